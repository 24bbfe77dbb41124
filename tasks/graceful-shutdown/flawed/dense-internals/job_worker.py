"""An asyncio job worker that shuts down gracefully.

On SIGTERM/SIGINT (or :meth:`Worker.request_stop`) the worker stops taking jobs off the
queue and refuses new submissions, lets in-flight jobs finish within ``drain_timeout``
seconds, cancels the ones that do not, and hands back the jobs it never started so the
caller can requeue them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger("worker")

Handler = Callable[["Job"], Awaitable[None]]


class WorkerError(Exception):
    """Base class for worker errors."""


class WorkerStoppingError(WorkerError):
    """The worker is shutting down and accepts no new jobs."""


class JobError(Exception):
    """Raised by a handler when a job cannot be processed."""


class RetryableJobError(JobError):
    """Raised by a handler when a job may succeed if tried again."""


@dataclass(frozen=True)
class Job:
    id: str
    correlation_id: str
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class ShutdownReport:
    completed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    unstarted: list[str] = field(default_factory=list)


# The job being processed by the current task (each job runs in its own task, so
# its own context): the filter below stamps these ids on every record logged while
# the job runs, the handler's own records included when it is attached to a handler.
_job_id: ContextVar[str | None] = ContextVar("job_id", default=None)
_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


class JobContextFilter(logging.Filter):
    """Adds ``job_id`` and ``correlation_id`` of the running job to log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        return all(
            [
                hasattr(record, k) or setattr(record, k, v.get()) or 1
                for k, v in (("job_id", _job_id), ("correlation_id", _correlation_id))
            ]
        )


logger.addFilter(JobContextFilter())


class Worker:
    """Runs ``handler`` for submitted jobs, at most ``concurrency`` at a time."""

    def __init__(
        self,
        handler: Handler,
        *,
        concurrency: int = 4,
        drain_timeout: float = 10.0,
        max_attempts: int = 3,
        retry_delay: float = 0.05,
    ) -> None:
        for n, v, lo in (
            ("concurrency", concurrency, 1),
            ("drain_timeout", drain_timeout, 1e-9),
            ("max_attempts", max_attempts, 1),
        ):
            if v < lo:
                raise ValueError(f"{n} must be >= {lo}, got {v}")
        self._handler = handler
        self._concurrency = concurrency
        self._drain_timeout = drain_timeout
        self._max_attempts = max_attempts
        self._retry_delay = retry_delay
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._stop = asyncio.Event()
        self._in_flight: dict[asyncio.Task[None], Job] = {}
        self._report = ShutdownReport()
        self._started = False

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    async def submit(self, job: Job) -> None:
        """Queue a job. Raises :class:`WorkerStoppingError` once shutdown has begun."""
        if self._stop.is_set():
            raise WorkerStoppingError(f"worker is shutting down; job {job.id} refused")
        await self._queue.put(job)
        logger.debug(
            "job queued",
            extra={"job_id": job.id, "correlation_id": job.correlation_id},
        )

    def request_stop(self) -> None:
        """Begin a graceful shutdown; idempotent and safe from a signal handler."""
        if not self._stop.is_set():
            logger.info("worker stop requested")
            self._stop.set()

    async def run(self, *, handle_signals: bool = False) -> ShutdownReport:
        """Process jobs until stopped, then drain; report what happened to each job."""
        if self._started:
            raise WorkerError("run() can only be called once per Worker")
        self._started = True
        loop = asyncio.get_running_loop()
        signals = (signal.SIGTERM, signal.SIGINT) if handle_signals else ()
        for sig in signals:
            loop.add_signal_handler(sig, self.request_stop)
        logger.info("worker started", extra={"concurrency": self._concurrency})
        dispatcher = asyncio.create_task(self._dispatch())
        try:
            await self._stop.wait()
        finally:
            dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await dispatcher
            for sig in signals:
                loop.remove_signal_handler(sig)
        await self._drain()
        logger.info(
            "worker stopped",
            extra={
                "completed": len(self._report.completed),
                "failed": len(self._report.failed),
                "cancelled": len(self._report.cancelled),
                "unstarted": len(self._report.unstarted),
            },
        )
        return self._report

    async def _dispatch(self) -> None:
        s = asyncio.Semaphore(self._concurrency)
        while await s.acquire():
            try:
                j = await self._queue.get()
            except asyncio.CancelledError:
                s.release()
                raise
            t = asyncio.create_task(self._process(j))
            self._in_flight[t] = j
            t.add_done_callback(lambda t: (self._in_flight.pop(t, None), s.release()))

    async def _drain(self) -> None:
        r, q, f = self._report, self._queue, self._in_flight
        r.unstarted += [q.get_nowait().id for _ in range(q.qsize())]
        p = {*f}
        logger.info(
            "worker draining",
            extra=dict(
                zip(
                    ("in_flight", "unstarted", "drain_timeout_s"),
                    (len(p), len(r.unstarted), self._drain_timeout),
                    strict=True,
                )
            ),
        )
        x = p and (await asyncio.wait(p, timeout=self._drain_timeout))[1]
        [
            (
                t.cancel(),
                r.cancelled.append(f[t].id),
                logger.warning(
                    "job cancelled at drain deadline",
                    extra={"job_id": f[t].id, "correlation_id": f[t].correlation_id},
                ),
            )
            for t in x or ()
        ]
        await asyncio.gather(*(x or ()), return_exceptions=True)

    async def _process(self, job: Job) -> None:
        _job_id.set(job.id)
        _correlation_id.set(job.correlation_id)
        a = 0
        while (a := a + 1) and (t0 := time.monotonic()):
            try:
                await self._handler(job)
            except RetryableJobError as e:
                z = a >= self._max_attempts
                (logger.error if z else logger.warning)(
                    ("job will be retried", "job failed after retries")[z],
                    extra={"attempt": a, "error": str(e)},
                )
                if z:
                    return self._report.failed.append(job.id)
                await asyncio.sleep(self._retry_delay * a)
                continue
            except Exception:
                self._report.failed.append(job.id)
                logger.exception("job failed", extra={"attempt": a})
                return
            self._report.completed.append(job.id)
            ms = ((time.monotonic() - t0) * 1e4 // 1) / 10
            return logger.info("job completed", extra={"attempt": a, "duration_ms": ms})
