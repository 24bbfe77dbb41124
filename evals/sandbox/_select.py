"""Pick a sandbox by name: ``auto`` (bwrap where it works, else process), ``bwrap``, ``process``."""

from __future__ import annotations

from evals.errors import SandboxError
from evals.sandbox._pooled import PooledSandbox
from evals.sandbox.bwrap import BwrapSandbox, bwrap_problem
from evals.sandbox.process import ProcessSandbox
from evals.sandbox.runtime import Runtime

__all__ = ["SANDBOX_NAMES", "get_sandbox", "sandbox_status"]

SANDBOX_NAMES = ("auto", "bwrap", "process")


def sandbox_status(name: str = "auto") -> tuple[str, bool, str]:
    """``(chosen name, isolated, reason)`` for ``evals doctor`` and the manifest."""
    if name not in SANDBOX_NAMES:
        raise SandboxError(
            f"unknown sandbox {name!r}; use one of {', '.join(SANDBOX_NAMES)}", field="--sandbox"
        )
    problem = bwrap_problem()
    if name == "process":
        return "process", False, "process fallback requested by name: NOT ISOLATED"
    if not problem:
        return "bwrap", True, "bubblewrap works here: namespaces, read-only root, no network"
    if name == "bwrap":
        return "bwrap", False, problem
    return "process", False, f"NOT ISOLATED: {problem}"


def get_sandbox(
    name: str = "auto", *, runtime: Runtime | None = None, workers: int | None = None
) -> PooledSandbox:
    """Return a ready sandbox. Workers default to the number of cores.

    Raises:
        SandboxError: ``name`` is unknown, or ``bwrap`` was asked for and cannot run here.
    """
    chosen, _, reason = sandbox_status(name)
    if name == "bwrap" and bwrap_problem():
        raise SandboxError(f"{reason} (or pass --sandbox process)", field="--sandbox")
    if chosen == "bwrap":
        return BwrapSandbox(runtime=runtime, workers=workers)
    return ProcessSandbox(runtime=runtime, workers=workers)
