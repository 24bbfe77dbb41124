import asyncio
import logging
import os
import signal
import time

import pytest

from job_worker import (
    Job,
    RetryableJobError,
    ShutdownReport,
    Worker,
    WorkerError,
    WorkerStoppingError,
)


class Recorder:
    """A fake job handler: sleeps per job, records starts, finishes and cancellations."""

    def __init__(self, delay=0.05, fail=(), retry_times=None):
        self.delay = delay
        self.fail = set(fail)
        self.retry_times = dict(retry_times or {})
        self.started: list[str] = []
        self.finished: list[str] = []
        self.cancelled: list[str] = []
        self.attempts: dict[str, int] = {}

    async def __call__(self, job: Job) -> None:
        self.started.append(job.id)
        self.attempts[job.id] = self.attempts.get(job.id, 0) + 1
        try:
            await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            self.cancelled.append(job.id)
            raise
        if job.id in self.fail:
            raise ValueError(f"cannot process {job.id}")
        if self.retry_times.get(job.id, 0) >= self.attempts[job.id]:
            raise RetryableJobError("upstream busy")
        self.finished.append(job.id)


def job(n: int) -> Job:
    return Job(id=f"j{n}", correlation_id=f"corr-{n}", payload={"n": n})


async def wait_until(predicate, timeout=1.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.005)


def test_jobs_run_concurrently_and_complete():
    handler = Recorder(delay=0.15)

    async def main():
        worker = Worker(handler, concurrency=4)
        runner = asyncio.create_task(worker.run())
        started = time.perf_counter()
        for n in range(4):
            await worker.submit(job(n))
        await wait_until(lambda: len(handler.finished) == 4)
        elapsed = time.perf_counter() - started
        worker.request_stop()
        return await runner, elapsed

    report, elapsed = asyncio.run(main())
    assert isinstance(report, ShutdownReport)
    assert sorted(report.completed) == ["j0", "j1", "j2", "j3"]
    assert elapsed < 0.3


def test_stop_lets_in_flight_jobs_finish():
    handler = Recorder(delay=0.2)

    async def main():
        worker = Worker(handler, concurrency=2, drain_timeout=2.0)
        runner = asyncio.create_task(worker.run())
        await worker.submit(job(1))
        await worker.submit(job(2))
        await wait_until(lambda: len(handler.started) == 2)
        worker.request_stop()
        stopped_at = time.perf_counter()
        report = await runner
        return report, time.perf_counter() - stopped_at

    report, drain_time = asyncio.run(main())
    assert sorted(report.completed) == ["j1", "j2"]
    assert sorted(handler.finished) == ["j1", "j2"]
    assert report.cancelled == []
    assert drain_time < 0.5


def test_new_work_is_refused_once_stopping():
    async def main():
        worker = Worker(Recorder(), concurrency=1)
        runner = asyncio.create_task(worker.run())
        await asyncio.sleep(0.01)
        worker.request_stop()
        with pytest.raises(WorkerStoppingError) as info:
            await worker.submit(job(9))
        report = await runner
        return info.value, report

    error, report = asyncio.run(main())
    assert isinstance(error, WorkerError)
    assert report.completed == [] and report.unstarted == []


def test_queued_jobs_are_handed_back_unstarted():
    handler = Recorder(delay=0.1)

    async def main():
        worker = Worker(handler, concurrency=1)
        runner = asyncio.create_task(worker.run())
        for n in (1, 2, 3):
            await worker.submit(job(n))
        await wait_until(lambda: handler.started == ["j1"])
        worker.request_stop()
        return await runner

    report = asyncio.run(main())
    assert report.completed == ["j1"]
    assert report.unstarted == ["j2", "j3"]
    assert handler.started == ["j1"]


def test_drain_deadline_cancels_stuck_jobs():
    handler = Recorder(delay=30)

    async def main():
        worker = Worker(handler, concurrency=2, drain_timeout=0.2)
        runner = asyncio.create_task(worker.run())
        await worker.submit(job(1))
        await wait_until(lambda: handler.started == ["j1"])
        worker.request_stop()
        started = time.perf_counter()
        report = await runner
        return report, time.perf_counter() - started

    report, elapsed = asyncio.run(main())
    assert 0.15 <= elapsed < 0.6
    assert report.cancelled == ["j1"]
    assert report.completed == []
    assert handler.cancelled == ["j1"]


def test_sigterm_triggers_graceful_shutdown():
    handler = Recorder(delay=0.1)

    async def main():
        worker = Worker(handler, concurrency=1, drain_timeout=2.0)
        runner = asyncio.create_task(worker.run(handle_signals=True))
        await worker.submit(job(1))
        await wait_until(lambda: handler.started == ["j1"])
        os.kill(os.getpid(), signal.SIGTERM)
        report = await asyncio.wait_for(runner, timeout=2.0)
        return report, worker.stopping

    report, stopping = asyncio.run(main())
    assert stopping
    assert report.completed == ["j1"]


def test_failing_job_is_reported_and_worker_keeps_going(caplog):
    handler = Recorder(delay=0.01, fail={"j2"})

    async def main():
        worker = Worker(handler, concurrency=2)
        runner = asyncio.create_task(worker.run())
        for n in (1, 2, 3):
            await worker.submit(job(n))
        await wait_until(lambda: len(handler.started) == 3 and len(handler.finished) == 2)
        await asyncio.sleep(0.02)
        worker.request_stop()
        return await runner

    with caplog.at_level(logging.INFO, logger="worker"):
        report = asyncio.run(main())
    assert sorted(report.completed) == ["j1", "j3"]
    assert report.failed == ["j2"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and getattr(errors[0], "job_id", None) == "j2"


def test_retryable_errors_are_retried_then_give_up():
    handler = Recorder(delay=0.0, retry_times={"j1": 2, "j2": 99})

    async def main():
        worker = Worker(handler, concurrency=2, max_attempts=3, retry_delay=0.01)
        runner = asyncio.create_task(worker.run())
        await worker.submit(job(1))
        await worker.submit(job(2))
        await wait_until(lambda: handler.attempts.get("j2") == 3 and "j1" in handler.finished)
        await asyncio.sleep(0.02)
        worker.request_stop()
        return await runner

    report = asyncio.run(main())
    assert report.completed == ["j1"]
    assert report.failed == ["j2"]
    assert handler.attempts == {"j1": 3, "j2": 3}


def test_logs_are_structured_with_correlation_ids(caplog):
    handler = Recorder(delay=0.01)

    async def main():
        worker = Worker(handler, concurrency=1)
        runner = asyncio.create_task(worker.run())
        await worker.submit(job(7))
        await wait_until(lambda: handler.finished == ["j7"])
        await asyncio.sleep(0.01)
        worker.request_stop()
        return await runner

    with caplog.at_level(logging.DEBUG, logger="worker"):
        asyncio.run(main())
    records = [r for r in caplog.records if r.name == "worker"]
    job_records = [r for r in records if getattr(r, "job_id", None) == "j7"]
    assert job_records, "no log record carries job_id"
    assert all(getattr(r, "correlation_id", None) == "corr-7" for r in job_records)
    final = records[-1]
    for name in ("completed", "failed", "cancelled", "unstarted"):
        assert hasattr(final, name), f"last record lacks the {name!r} count"
    assert final.completed == 1


@pytest.mark.parametrize(
    "kwargs",
    [{"concurrency": 0}, {"drain_timeout": 0}, {"max_attempts": 0}],
    ids=["concurrency", "drain-timeout", "max-attempts"],
)
def test_invalid_settings_are_rejected(kwargs):
    with pytest.raises(ValueError):
        Worker(Recorder(), **kwargs)
