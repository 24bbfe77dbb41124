"""The wall limit does not count time a sample was kept off the CPU by other work.

Unit: the clock's arithmetic on scripted run-queue delays. Slow: a real sample pinned to
CPU 0 beside six busy processes of the host (each in its own session, so autogroup
scheduling gives the sample about 1/7 of the core) needs 1 CPU-s, i.e. 7 s or more of
wall time, under a 3 s limit: it passes, with a plain wall limit (``max_wall_factor=1``)
the same sample is a timeout; a sample that sleeps is still killed on time, and a
starved sample that needs far more is killed at the hard cap.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from evals.sandbox import Limits, PooledSandbox
from evals.sandbox._inside import _pe_clock
from evals.sandbox._inside._pe_clock import StarvedClock


def test_the_clock_discounts_the_longest_wait_of_one_task(monkeypatch: pytest.MonkeyPatch) -> None:
    delays = {1: {11: 0, 12: 0}}
    monkeypatch.setattr(_pe_clock, "run_delay_ns", lambda pid: dict(delays.get(pid, {})))
    clock = StarvedClock(started=100.0, limit_s=3.0, max_factor=10.0)
    clock.tick([1], 100.0)
    # one second in which both threads waited 0.8 s at once: one wait of the sample's
    delays[1] = {11: 800_000_000, 12: 800_000_000}
    clock.tick([1], 101.0)
    assert clock.starved_s == pytest.approx(0.8)
    assert clock.remaining(101.0) == pytest.approx(3.0 - 0.2)
    # a wait longer than the interval counts as the interval (the first tick of a task)
    delays[1] = {11: 800_000_000, 12: 800_000_000, 13: 5_000_000_000}
    clock.tick([1], 101.5)
    assert clock.starved_s == pytest.approx(1.3)
    # a process that is gone, and a reused thread id with a smaller counter, count nothing
    delays[1] = {12: 100}
    clock.tick([1, 2], 102.0)
    assert clock.starved_s == pytest.approx(1.3)
    # the hard cap bounds real time, however starved: 10 x 3 s after the start
    clock.starved_s = 1000.0
    assert clock.remaining(129.0) == pytest.approx(1.0)


def test_run_delay_is_read_for_every_thread_of_a_live_process() -> None:
    mine = _pe_clock.run_delay_ns(os.getpid())
    assert os.getpid() in mine and all(v >= 0 for v in mine.values())
    assert _pe_clock.run_delay_ns(2**22 + 12345) == {}


def test_plain_limits_default_to_a_starvation_aware_wall() -> None:
    assert Limits(wall_seconds=30).max_wall_s == 300.0
    assert Limits(wall_seconds=30, max_wall_factor=1).max_wall_s == 30.0


_SPIN = """\
import os, time
os.sched_setaffinity(0, {{0}})
start = time.process_time()
while time.process_time() - start < {cpu}:
    pass
print("done")
"""


@pytest.fixture()
def hogs() -> Iterator[None]:
    if 0 not in os.sched_getaffinity(0):
        pytest.skip("CPU 0 is not usable here")
    code = "import os; os.sched_setaffinity(0, {0})\nwhile True: pass"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], start_new_session=True) for _ in range(6)
    ]
    try:
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_a_starved_sample_is_not_a_timeout_but_a_hang_still_is(
    sandbox: PooledSandbox, hogs: None
) -> None:
    spin = ["python", "-c", _SPIN.format(cpu=1.0)]
    aware = sandbox.run(spin, {}, Limits(wall_seconds=3))
    plain = sandbox.run(spin, {}, Limits(wall_seconds=3, max_wall_factor=1))
    sleep = ["python", "-c", "import time; time.sleep(30)"]
    sleeper = sandbox.run(sleep, {}, Limits(wall_seconds=2))
    greedy = sandbox.run(
        ["python", "-c", _SPIN.format(cpu=20.0)], {}, Limits(wall_seconds=1, max_wall_factor=4)
    )
    # starved: well over its 3 s of wall time, and still a pass
    assert aware.ok and aware.stdout.strip() == "done", aware
    assert aware.duration_s > 4.0, aware
    assert plain.killed == "timeout" and plain.duration_s < 4.0, plain
    # sleeping is not starvation: killed at its 2 s
    assert sleeper.killed == "timeout" and 1.9 < sleeper.duration_s < 3.5, sleeper
    # 20 CPU-s at ~1/7 of a core would take minutes: the hard cap (4 x 1 s) ends it
    assert greedy.killed == "timeout" and 3.9 < greedy.duration_s < 6.0, greedy
