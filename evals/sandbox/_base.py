"""The one sandbox interface: run a command over a set of files, with limits.

Untrusted candidate code only ever runs through a :class:`Sandbox`. Implementations:
``bwrap`` (bubblewrap namespaces; the default where it works) and ``process``
(rlimits, scrubbed environment and timeout, but no namespaces: runs using it are
marked NOT ISOLATED).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, Self, runtime_checkable

if TYPE_CHECKING:
    from evals.sandbox._report import PytestReport

__all__ = ["BaseSandbox", "ExecResult", "Limits", "Sandbox"]


@dataclass(frozen=True)
class Limits:
    """Per-sample limits. ``memory_mb`` and ``max_procs`` bound the sample's whole process
    tree (its own cgroup where the sandbox has one, else a watch in the worker: see the
    sandbox's ``sample_limits``), and each of its processes (rlimits)."""

    wall_seconds: float = 30.0
    cpu_seconds: int = 30
    memory_mb: int = 1024
    max_procs: int = 64
    file_size_mb: int = 16
    open_files: int = 256
    #: Cap on captured stdout and stderr, each.
    output_bytes: int = 1_000_000
    #: Size cap of each private tmpfs of a sample (the workdir, ``/tmp``).
    tmpfs_mb: int = 64
    #: ``wall_seconds`` does not count time the sample was runnable but kept off the CPU
    #: by other work (``_inside/_pe_clock.py``), up to this many times ``wall_seconds`` of
    #: real time: a correct sample on a loaded machine is not a timeout (1: plain wall).
    max_wall_factor: float = 10.0

    @property
    def max_wall_s(self) -> float:
        """Real seconds after which the sample is killed, however starved it was."""
        return self.wall_seconds * max(1.0, self.max_wall_factor)


@dataclass(frozen=True)
class ExecResult:
    exit_code: int | None
    stdout: str
    stderr: str
    duration_s: float
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    #: Why it was killed: "timeout", "memory", "procs", "output", "signal", or None.
    killed: str | None = None
    signal: int | None = None
    #: Files the command wrote that the caller asked to collect (path -> text).
    collected: Mapping[str, str] = field(default_factory=dict)
    #: CPU seconds (user + system) of the sample's supervisor and main process, when the
    #: sandbox measures it: unlike ``duration_s``, barely depends on the machine's load.
    cpu_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.killed is None and self.exit_code == 0


@runtime_checkable
class Sandbox(Protocol):
    """Where untrusted candidate code runs. Subclass :class:`BaseSandbox` for the defaults.

    Every member the runner and the graders use is declared here.
    """

    name: str
    #: False for the process fallback: the run is marked NOT ISOLATED.
    isolated: bool
    #: What bounds a sample's whole process tree (memory, process count): ``cgroup-v2``,
    #: ``cgroup-v1`` or ``watch`` (per-process rlimits + a watch of the tree); "" unknown.
    sample_limits: str

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

    def run_pytest(
        self,
        files: Mapping[str, str | bytes],
        targets: Sequence[str],
        limits: Limits = Limits(),
        *,
        hidden: Mapping[str, str | bytes] | None = None,
        plugins: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        preload: Sequence[str] = (),
    ) -> PytestReport:
        """Run pytest on ``targets`` over ``files``; outcomes come from a checked channel.

        ``hidden`` (the hidden tests) are served read-only outside the workdir and
        ``targets`` are then relative to them; ``plugins`` are loaded explicitly
        (autoload is off). ``preload``: modules the harness expects the run to import
        (a task's runtime deps), which a warm sandbox may import ahead of the sample;
        never names taken from candidate files. The report's records are the test
        process's word: see ``evals/sandbox/_report.py`` and ``evals/sandbox/canary.py``.
        """
        ...

    def close(self) -> None:
        """Release workers and scratch space. Safe to call twice."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...


class BaseSandbox:
    """Defaults for :class:`Sandbox`: ``close`` does nothing, usable as a context manager.

    A subclass sets ``name`` and ``isolated`` and implements ``run`` and ``run_pytest``.
    """

    name: str = ""
    isolated: bool = False
    sample_limits: str = ""

    def close(self) -> None:
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
