"""A watch on the whole process tree of one sample: total memory and process count.

Per-process rlimits cannot bound a tree (three children of 700 MB each pass a 1 GB
``RLIMIT_AS``). Where the harness found no cgroup to use (``evals/sandbox/_cgroup.py``;
else ``_pe_cgroup`` bounds the tree and this only lists it for the clock), the worker,
which the sample cannot see or signal, samples the tree while it runs: every descendant of the
sample's supervisor, found through ``/proc/<pid>/task/<tid>/children`` (re-parented
orphans included: the sample is PID 1 of its namespace, or the supervisor is a subreaper
in the process fallback). The resident sizes are summed first (cheap, an upper bound);
only when that is over the limit is the proportional set size of private and
shared-memory pages counted (``Pss_Anon + Pss_Shmem`` from ``/proc/<pid>/smaps_rollup``,
so copy-on-write pages shared after ``fork`` count once).
Over the limit, the whole tree is killed. The bound this proves: the tree never holds
more than ``memory_mb`` for longer than one interval, and no single process ever more
than ``memory_mb`` (``RLIMIT_AS``); the sample's tmpfs mounts are size-capped apart.
"""

from __future__ import annotations

import os

__all__ = ["TreeWatch"]


def _children(pid: int) -> list[int]:
    """Children of every thread of ``pid`` (``/proc/<pid>/task/<tid>/children``)."""
    out: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as fh:
                out += [int(c) for c in fh.read().split()]
        except OSError:
            continue
    return out


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _rss_kb(pid: int) -> int:
    """Resident set size: cheap, and an upper bound of what :func:`_pss_kb` counts."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            text = fh.read()
    except OSError:
        return 0
    found = {}
    for line in text.splitlines():
        key, _, rest = line.partition(b":")
        if key in (b"Pss", b"Pss_Anon", b"Pss_Shmem"):
            found[key] = int(rest.split()[0])
    if b"Pss_Anon" in found:
        return found[b"Pss_Anon"] + found.get(b"Pss_Shmem", 0)
    return found.get(b"Pss", 0)


class TreeWatch:
    """Sample the tree under ``root`` (excluded: the trusted supervisor itself)."""

    def __init__(self, root: int, memory_mb: int, max_procs: int, mode: str) -> None:
        self.root = root
        self.limit_kb = memory_mb * 1024
        self.max_procs = max_procs
        #: Seconds between samples of the tree.
        self.interval = 0.05
        self.peak_mb = 0.0
        self.note = ""
        self._next = 0.05  # samples shorter than this pay nothing

    def tree(self) -> list[int]:
        out: list[int] = []
        todo = _children(self.root)
        while todo and len(out) <= 4 * self.max_procs + 64:
            pid = todo.pop()
            out.append(pid)
            todo.extend(_children(pid))
        return out

    def due(self, elapsed: float) -> bool:
        """Is a sample of the tree due ``elapsed`` seconds in (then the next is one interval on)?"""
        if elapsed < self._next:
            return False
        self._next = elapsed + self.interval
        return True

    def check(self, elapsed: float) -> str | None:
        """``"memory"`` / ``"procs"`` when the tree is over a limit (then kill it), else None."""
        if not self.due(elapsed):
            return None
        pids = self.tree()
        total_kb = sum(_rss_kb(pid) for pid in pids)
        if total_kb > self.limit_kb:  # RSS over-counts shared pages: now count exactly
            total_kb = sum(_pss_kb(pid) for pid in pids)
        self.peak_mb = max(self.peak_mb, round(total_kb / 1024, 1))
        if len(pids) > self.max_procs:
            self.note = f"the sample ran {len(pids)} processes (limit {self.max_procs})"
            return "procs"
        if total_kb > self.limit_kb:
            self.note = (
                f"the sample's processes held {total_kb // 1024} MB together "
                f"(limit {self.limit_kb // 1024} MB)"
            )
            return "memory"
        return None
