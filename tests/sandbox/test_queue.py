"""A busy pool serves the lowest order first, and a queue clock counts only pure waiting."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from typing import Any, ClassVar

import pytest

from evals.runner._grade import _run_one
from evals.sandbox._pool import WorkerPool
from evals.sandbox._queue import QueueClock, queue_clock, serve_in_order
from evals.schema import Grade
from graders import GradeContext
from graders._base import StaticGrader


class FakeWorker:
    """Answers ``{"kind": "hold", "event": e}`` once ``e`` is set, anything else at once."""

    def __init__(self, slot: int, log: list[Any]) -> None:
        self.slot, self.log, self.alive = slot, log, True
        self.primed = 0
        self.primed_with = None

    def call(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        if request.get("kind") == "hold":
            assert request["event"].wait(10)
        elif request.get("kind") == "sleep":
            time.sleep(request["s"])
        self.log.append(request.get("name"))
        return {"slot": self.slot}

    def kill(self) -> None:
        self.alive = False


def _pool(size: int, log: list[Any]) -> WorkerPool:
    return WorkerPool(lambda slot: FakeWorker(slot, log), size)  # type: ignore[arg-type, return-value]


def _waiters(pool: WorkerPool) -> int:
    with pool._cond:
        return len(pool._waiting)


def _until(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_a_freed_worker_goes_to_the_lowest_order_then_first_come() -> None:
    log: list[Any] = []
    pool = _pool(1, log)
    release = threading.Event()
    holder = threading.Thread(target=pool.call, args=({"kind": "hold", "event": release}, 10))
    holder.start()
    _until(lambda: _waiters(pool) == 0 and not pool._free_slots)
    threads = []
    # Asked for in this order; sample 1's calls must run before sample 3's, and the two
    # calls of sample 2 in the order they were made.
    for order, name in [(3, "s3"), (1, "s1"), (2, "s2-a"), (2, "s2-b")]:

        def call(order: int = order, name: str = name) -> None:
            with serve_in_order(order):
                pool.call({"kind": "run", "name": name}, 10)

        thread = threading.Thread(target=call)
        thread.start()
        threads.append(thread)
        waiting = len(threads)
        _until(lambda: _waiters(pool) == waiting)  # noqa: B023  (called at once, here)
    release.set()
    for thread in [holder, *threads]:
        thread.join(10)
    assert log == [None, "s1", "s2-a", "s2-b", "s3"]
    pool.close()


def test_the_queue_clock_counts_waiting_only_while_none_of_its_calls_is_served() -> None:
    log: list[Any] = []
    pool = _pool(1, log)

    def run(clock_box: list[QueueClock], hold_s: float, started: threading.Event) -> None:
        with queue_clock() as clock:
            clock_box.append(clock)
            started.set()
            pool.call({"kind": "sleep", "s": hold_s}, 10)

    first: list[QueueClock] = []
    second: list[QueueClock] = []
    go = threading.Event()
    a = threading.Thread(target=run, args=(first, 0.3, go))
    a.start()
    go.wait(5)
    _until(lambda: not pool._free_slots)
    b = threading.Thread(target=run, args=(second, 0.0, threading.Event()))
    b.start()
    a.join(10)
    b.join(10)
    assert first[0].queued_s < 0.05  # served at once
    assert 0.2 <= second[0].queued_s < 1.0  # waited for the first call's 0.3 s

    # Two calls under one clock: while one is served, the other's wait is not counted.
    before = len(log)
    with queue_clock() as clock:
        calls = [
            threading.Thread(
                target=contextvars.copy_context().run,
                args=(pool.call, {"kind": "sleep", "s": 0.2}, 10),
            )
            for _ in range(2)
        ]
        for thread in calls:
            thread.start()
        for thread in calls:
            thread.join(10)
    assert len(log) == before + 2  # both ran, one after the other (one worker)
    assert clock.queued_s < 0.1
    pool.close()


def test_warm_primes_workers_that_were_started_before_and_are_idle() -> None:
    log: list[Any] = []
    pool = _pool(2, log)
    pool.warm()  # started with nothing to preload yet
    primed: list[int] = []
    pool.warm(prime=lambda worker: primed.append(worker.slot))  # type: ignore[attr-defined]
    assert sorted(primed) == [0, 1]
    assert len(pool._idle) == 2  # and handed back
    pool.close()


def test_once_warm_has_a_prime_every_worker_runs_it_before_serving() -> None:
    log: list[Any] = []
    pool = _pool(1, log)
    release = threading.Event()
    holder = threading.Thread(target=pool.call, args=({"kind": "hold", "event": release}, 10))
    holder.start()
    _until(lambda: not pool._free_slots)
    primed: list[int] = []

    def prime(worker: Any) -> None:
        primed.append(worker.slot)
        log.append("primed")

    pool.warm(prime=prime)  # the only worker is busy: not waited for
    assert primed == []
    release.set()
    holder.join(10)
    pool.call({"name": "next"}, 10)  # the busy worker, now free, primes before serving
    pool.call({"name": "again"}, 10)  # once
    assert log[1:] == ["primed", "next", "again"]
    ((_, worker),) = pool._idle
    worker.alive = False  # type: ignore[attr-defined]  # dies: its replacement primes too
    pool._release(*pool._idle.pop())
    pool.call({"name": "replaced"}, 10)
    assert log[-2:] == ["primed", "replaced"] and primed == [0, 0]
    pool.close()


class _QueuedGrader(StaticGrader):
    name: ClassVar[str] = "queued_probe"
    default_rules: ClassVar[tuple[str, ...]] = ("probe",)
    pool: ClassVar[WorkerPool]

    def check(self, ctx: GradeContext) -> list[Grade]:
        self.pool.call({"kind": "sleep", "s": 0.05}, 10)
        return [self.make_grade(ctx, "pass", reason="ran")]


def test_a_grade_duration_leaves_out_the_wait_for_a_busy_worker() -> None:
    log: list[Any] = []
    pool = _pool(1, log)
    _QueuedGrader.pool = pool
    release = threading.Event()
    holder = threading.Thread(target=pool.call, args=({"kind": "hold", "event": release}, 10))
    holder.start()
    _until(lambda: not pool._free_slots)
    threading.Timer(0.4, release.set).start()
    started = time.perf_counter()
    ctx = GradeContext(files={"a.py": "x = 1\n"}, rule_ids=("probe",))
    [grade] = asyncio.run(_run_one(_QueuedGrader(), ctx))
    wall = time.perf_counter() - started
    holder.join(10)
    assert wall >= 0.4
    assert grade.duration_s is not None and grade.duration_s < wall - 0.3
    assert grade.metadata["queued_s"] == pytest.approx(wall - grade.duration_s, abs=0.05)
    pool.close()
