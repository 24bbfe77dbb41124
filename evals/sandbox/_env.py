"""The sandbox's environment: an allowlist, never a copy of the harness's.

Nothing from the harness's environment reaches candidate code: no API keys, tokens,
proxies or ``PYTHON*`` settings. Callers may add variables explicitly per run.
"""

from __future__ import annotations

from evals.sandbox.runtime import Runtime

__all__ = ["sandbox_env"]


def sandbox_env(runtime: Runtime) -> dict[str, str]:
    """The complete environment of a sandboxed process (HOME/TMPDIR are set per sample)."""
    venv_bin = str(runtime.venv / "bin")
    return {
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        "VIRTUAL_ENV": str(runtime.venv),
        "HOME": "/tmp/home",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "PYTHONNOUSERSITE": "1",
    }
