"""The one sandbox interface: run a command over a set of files, with limits.

Untrusted candidate code only ever runs through a :class:`Sandbox`. Implementations:
``bwrap`` (bubblewrap namespaces; the default where it works) and ``process``
(rlimits, scrubbed environment and timeout, but no namespaces: runs using it are
marked NOT ISOLATED).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

__all__ = ["ExecResult", "Limits", "Sandbox"]


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 30.0
    cpu_seconds: int = 30
    memory_mb: int = 1024
    max_procs: int = 64
    file_size_mb: int = 16
    open_files: int = 256
    #: Cap on captured stdout and stderr, each.
    output_bytes: int = 1_000_000


@dataclass(frozen=True)
class ExecResult:
    exit_code: int | None
    stdout: str
    stderr: str
    duration_s: float
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    #: Why it was killed: "timeout", "memory", "output", "signal", or None.
    killed: str | None = None
    signal: int | None = None
    #: Files the command wrote that the caller asked to collect (path -> text).
    collected: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.killed is None and self.exit_code == 0


@runtime_checkable
class Sandbox(Protocol):
    name: str
    #: False for the process fallback: the run is marked NOT ISOLATED.
    isolated: bool

    def run(
        self,
        argv: Sequence[str],
        files: Mapping[str, str | bytes],
        limits: Limits = Limits(),
        *,
        env: Mapping[str, str] | None = None,
    ) -> ExecResult:
        """Write ``files`` into a fresh workdir, run ``argv`` there, and tear it down."""
        ...
