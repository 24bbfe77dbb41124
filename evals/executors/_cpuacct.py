"""CPU seconds a group of processes and all their descendants used (cgroup v1 ``cpuacct``).

``evals bench ray`` times both executors on a machine other work shares; wall time then
depends on what else runs, CPU time much less. A process put in a :class:`CpuGroup`
stays there with every child it forks (the kernel's accounting, not a ``/proc`` walk
that misses processes which already exited), so the group's ``cpuacct.usage`` covers a
run's sandbox workers and a Ray node's raylet and workers alike. Needs a writable cgroup
v1 ``cpuacct`` hierarchy (root); :func:`cpu_groups_unavailable` says why not otherwise.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["CpuGroup", "cpu_groups_unavailable"]

ROOT = Path("/sys/fs/cgroup/cpuacct")


def cpu_groups_unavailable() -> str | None:
    """Why CPU groups cannot be made here (None when they can)."""
    if not (ROOT / "cpuacct.usage").is_file():
        return f"no cgroup v1 cpuacct hierarchy at {ROOT}"
    if not os.access(ROOT, os.W_OK):
        return f"{ROOT} is not writable (root needed)"
    return None


class CpuGroup:
    """One cgroup of this machine's ``cpuacct`` hierarchy, removed on :meth:`close`."""

    def __init__(self, name: str) -> None:
        self.path = ROOT / f"pe-bench-{os.getpid()}-{name}"
        self.path.mkdir()

    def join(self) -> None:
        """Put the calling process in the group (a ``preexec_fn`` for a child)."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def adopt(self, pids: Iterable[int]) -> None:
        """Move running processes (and so their future children) into the group."""
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, OSError):  # exited meanwhile
                (self.path / "cgroup.procs").write_text(str(pid))

    def seconds(self) -> float:
        """CPU seconds (user + system) used in the group since it was made."""
        return int((self.path / "cpuacct.usage").read_text()) / 1e9

    def close(self) -> None:
        """Hand any process still in the group back to the root group, remove the group."""
        with contextlib.suppress(OSError):
            left = (self.path / "cgroup.procs").read_text().split()
            for pid in left:
                with contextlib.suppress(OSError):
                    (ROOT / "cgroup.procs").write_text(pid)
            self.path.rmdir()
