"""A sample's wall clock that does not count time others kept it off the CPU.

A sample's wall limit is there for samples that hang: sleep, deadlock, wait on a socket
that never answers. On a loaded machine a correct sample is *runnable but not running*
for most of its wall time (at load 15-17 on 2 cores the gold answer's hidden tests took
23-30 s for ~3 s of CPU), and a plain wall limit reads that as a timeout. The kernel
counts, per task, the time it spent runnable on a run queue waiting for a CPU
(``run_delay``, the second field of ``/proc/<pid>/task/<tid>/schedstat``, in ns).

:class:`StarvedClock` is ticked with the sample's process tree. Per tick, the interval's
*starved* time is ``min(interval, largest run_delay increase of any one task)``: the
largest, not the sum, since two tasks waiting at once are one wait of the sample's; a
task that waited while another of the sample's tasks ran is not counted at all, which
only makes the limit stricter. The limit applies to ``wall - starved``. A hard cap of
``limit x max_factor`` real seconds bounds everything: a sample that starves itself
(many busy processes of its own) cannot stretch its limit past it, and each process's
CPU time stays capped by ``RLIMIT_CPU``.

Standard library only: it runs inside the sandbox, in the worker.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

__all__ = ["StarvedClock", "run_delay_ns"]


def run_delay_ns(pid: int) -> dict[int, int]:
    """``tid -> run_delay`` (ns) of every thread of ``pid`` (empty once it is gone)."""
    out: dict[int, int] = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat", encoding="ascii") as fh:
                out[int(tid)] = int(fh.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return out


class StarvedClock:
    """Wall time minus the time the sample was held off the CPU (see the module doc)."""

    def __init__(self, started: float, limit_s: float, max_factor: float) -> None:
        self.started = started
        self.limit_s = limit_s
        #: Real seconds after which the sample is killed whatever it waited.
        self.hard_s = limit_s * max(1.0, max_factor)
        self.starved_s = 0.0
        self._last = started
        self._seen: dict[int, int] = {}

    #: Seconds between ticks (a tick reads every thread's schedstat of the tree).
    interval = 0.05

    def due(self, now: float) -> bool:
        return now - self._last >= self.interval

    def tick(self, pids: Iterable[int], now: float) -> None:
        """Account the interval since the last tick, from the tree's threads."""
        current: dict[int, int] = {}
        for pid in pids:
            current.update(run_delay_ns(pid))
        biggest = max((d - self._seen.get(t, 0) for t, d in current.items()), default=0)
        self.starved_s += min(max(0.0, now - self._last), max(0, biggest) / 1e9)
        self._seen, self._last = current, now

    def remaining(self, now: float) -> float:
        """Seconds until the limit at the current rate: the smaller of the effective
        (not starved) time left and the hard cap's real time left."""
        effective = (now - self.started) - self.starved_s
        return min(self.limit_s - effective, self.started + self.hard_s - now)
