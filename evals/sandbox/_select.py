"""Pick a sandbox by name: ``auto`` (bwrap where it works, else process), ``bwrap``,
``process``, or one another package registered under the ``persona_evals.sandboxes``
entry-point group (a factory called as ``factory(runtime=..., workers=...)``).
"""

from __future__ import annotations

from collections.abc import Callable

from evals.errors import SandboxError
from evals.registry import SANDBOXES_GROUP, Registry
from evals.sandbox._base import Sandbox
from evals.sandbox.bwrap import bwrap_problem
from evals.sandbox.runtime import Runtime

__all__ = [
    "SANDBOXES",
    "SANDBOX_NAMES",
    "SandboxFactory",
    "get_sandbox",
    "sample_limits_status",
    "sandbox_status",
]

#: The built-in names (plugins add theirs to :data:`SANDBOXES`).
SANDBOX_NAMES = ("auto", "bwrap", "process")

#: ``factory(runtime=Runtime | None, workers=int | None) -> Sandbox``.
SandboxFactory = Callable[..., Sandbox]

#: Sandboxes by name; built-ins and the ``persona_evals.sandboxes`` entry points alike.
SANDBOXES: Registry[SandboxFactory] = Registry(
    "sandbox", SANDBOXES_GROUP, SandboxError, "--sandbox"
)
SANDBOXES.register("bwrap", "evals.sandbox.bwrap:BwrapSandbox")
SANDBOXES.register("process", "evals.sandbox.process:ProcessSandbox")


def sandbox_status(name: str = "auto") -> tuple[str, bool, str]:
    """``(chosen name, isolated, reason)`` for ``evals doctor`` and the manifest."""
    if name not in SANDBOX_NAMES:
        if name in SANDBOXES.names():
            return name, False, f"plugin sandbox from {SANDBOXES.origin(name)}"
        known = ", ".join(dict.fromkeys([*SANDBOX_NAMES, *SANDBOXES.names()]))
        raise SandboxError(f"unknown sandbox {name!r}; use one of {known}", field="--sandbox")
    problem = bwrap_problem()
    if name == "process":
        return "process", False, "process fallback requested by name: NOT ISOLATED"
    if not problem:
        return "bwrap", True, "bubblewrap works here: namespaces, read-only root, no network"
    if name == "bwrap":
        return "bwrap", False, problem
    return "process", False, f"NOT ISOLATED: {problem}"


def sample_limits_status(name: str = "auto") -> tuple[str, str]:
    """``(backend, reason)``: what would bound a sample's whole tree in sandbox ``name``."""
    chosen, _, _ = sandbox_status(name)
    if chosen == "bwrap":
        from evals.sandbox._cgroup import backend

        found = backend()
        return found.kind, found.reason
    if chosen == "process":
        return "watch", "process sandbox: rlimits + tree watch (no cgroup)"
    return "", f"plugin sandbox {chosen!r}: its own"


def get_sandbox(
    name: str = "auto",
    *,
    runtime: Runtime | None = None,
    workers: int | None = None,
    ro_binds: tuple[str, ...] = (),
) -> Sandbox:
    """Return a ready sandbox. Workers default to the number of cores.

    ``ro_binds`` names extra host files or folders that ``bwrap`` shows read-only at their
    own path (with the shared libraries their ELF files need); ``process`` sees the whole
    host anyway.

    Raises:
        SandboxError: ``name`` is unknown, or ``bwrap`` was asked for and cannot run here.
    """
    chosen, _, reason = sandbox_status(name)
    if name == "bwrap" and bwrap_problem():
        raise SandboxError(f"{reason} (or pass --sandbox process)", field="--sandbox")
    extra = {"ro_binds": tuple(ro_binds)} if ro_binds else {}
    sandbox = SANDBOXES.get(chosen)(runtime=runtime, workers=workers, **extra)
    if not isinstance(sandbox, Sandbox):
        raise SandboxError(
            f"sandbox {chosen!r} ({SANDBOXES.origin(chosen)}) built a "
            f"{type(sandbox).__name__} that lacks Sandbox members; subclass "
            "evals.sandbox.BaseSandbox",
            field="--sandbox",
        )
    return sandbox
