"""The candidate's runtime: a venv built from the suite's requirements, once.

Candidate code and the hidden tests never run under the harness's own interpreter:
they run under ``.runtime-venv/bin/python`` at the project root, which holds exactly the
suite's declared runtime dependencies (``tasks/requirements.txt``, constrained by
``tasks/requirements.lock`` when present). :func:`ensure_runtime` builds it when it is
missing and rebuilds it when the requirements change: the sha256 of the requirement
files is stamped into the venv. Concurrent callers serialise on a lock file.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from evals.errors import SandboxError

__all__ = ["STAMP", "Runtime", "ensure_runtime", "find_project_root", "runtime_status"]

#: File inside the venv holding the sha256 of the requirements it was built from.
STAMP = ".evals-requirements.sha256"
_VENV_ENV = "EVALS_RUNTIME_VENV"


@dataclass(frozen=True)
class Runtime:
    """A provisioned runtime venv."""

    venv: Path
    python: Path
    #: The interpreter installation the venv points at (must be visible in the sandbox).
    base_prefix: Path


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder holding ``tasks/requirements.txt`` (cwd first, then the source tree)."""
    candidates = [start or Path.cwd(), Path(__file__).resolve().parents[2]]
    for base in candidates:
        for folder in (base, *base.parents):
            if (folder / "tasks" / "requirements.txt").is_file():
                return folder
    return candidates[0]


def _paths(requirements: Path | None, venv: Path | None) -> tuple[Path, Path]:
    root = find_project_root()
    req = requirements if requirements is not None else root / "tasks" / "requirements.txt"
    if venv is None:
        override = os.environ.get(_VENV_ENV)
        venv = Path(override) if override else root / ".runtime-venv"
    return req.resolve(), venv.absolute()


def _digest(requirements: Path) -> str:
    h = hashlib.sha256(requirements.read_bytes())
    lock = requirements.with_suffix(".lock")
    if lock.is_file():
        h.update(b"\0lock\0" + lock.read_bytes())
    return h.hexdigest()


def _pins(requirements: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for raw in requirements.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        name, sep, version = line.partition("==")
        if sep and name:
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def _installed(python: Path) -> dict[str, str]:
    code = (
        "import json, importlib.metadata as m;"
        "print(json.dumps({d.metadata['Name'].lower().replace('_', '-'): d.version"
        " for d in m.distributions()}))"
    )
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        return {}
    data: dict[str, str] = json.loads(out.stdout)
    return data


def _runtime(venv: Path) -> Runtime:
    python = venv / "bin" / "python"
    return Runtime(venv=venv, python=python, base_prefix=python.resolve().parent.parent)


def runtime_status(requirements: Path | None = None, venv: Path | None = None) -> tuple[bool, str]:
    """``(ready, why)`` without changing anything (for ``evals doctor``)."""
    req, venv = _paths(requirements, venv)
    python = venv / "bin" / "python"
    if not python.exists():
        return False, f"{venv} does not exist; run `evals doctor --provision`"
    if not req.is_file():
        return True, f"{venv} (no {req} to check it against)"
    stamp = venv / STAMP
    if stamp.is_file() and stamp.read_text().strip() == _digest(req):
        return True, f"{venv} matches {req.name}"
    return False, f"{venv} is older than {req}; run `evals doctor --provision`"


def ensure_runtime(
    requirements: Path | None = None, venv: Path | None = None, *, python: str | None = None
) -> Runtime:
    """Create or update the runtime venv so it matches ``requirements``; return it.

    Args:
        requirements: The suite's requirements file (default ``tasks/requirements.txt``).
        venv: Where the venv lives (default ``.runtime-venv`` at the project root, or
            ``$EVALS_RUNTIME_VENV``).
        python: Interpreter used to create the venv (default: the harness's).

    Raises:
        SandboxError: The venv could not be created or the requirements not installed.
    """
    req, venv = _paths(requirements, venv)
    if not req.is_file():
        if (venv / "bin" / "python").exists():
            return _runtime(venv)
        raise SandboxError(
            "runtime requirements file not found; create it or pass --requirements", path=req
        )
    digest = _digest(req)
    stamp = venv / STAMP
    if stamp.is_file() and stamp.read_text().strip() == digest:
        return _runtime(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f".{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.is_file() and stamp.read_text().strip() == digest:
            return _runtime(venv)
        _provision(req, venv, python or sys.executable)
        stamp.write_text(digest + "\n")
    return _runtime(venv)


def _provision(req: Path, venv: Path, python: str) -> None:
    target = venv / "bin" / "python"
    if target.exists():
        pins = _pins(req)
        installed = _installed(target)
        if pins and all(installed.get(name) == version for name, version in pins.items()):
            return  # already satisfies every pin: just stamp it
    else:
        _step([python, "-m", "venv", str(venv)], venv, "create the venv")
    cmd = [str(target), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r"]
    cmd.append(str(req))
    lock = req.with_suffix(".lock")
    if lock.is_file():
        cmd += ["-c", str(lock)]
    _step(cmd, venv, f"install {req.name}")


def _step(cmd: list[str], venv: Path, what: str) -> None:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxError(f"could not {what}: {exc}", path=venv) from exc
    if out.returncode != 0:
        tail = (out.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise SandboxError(
            f"could not {what}: {tail}; fix the requirement or delete the venv and retry",
            path=venv,
        )
