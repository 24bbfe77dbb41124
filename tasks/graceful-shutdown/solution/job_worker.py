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
        if not hasattr(record, "job_id"):
            record.job_id = _job_id.get()
        if not hasattr(record, "correlation_id"):
            record.correlation_id = _correlation_id.get()
        return True


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
        if concurrency < 1:
            raise ValueError(f"concurrency must be >= 1, got {concurrency}")
        if drain_timeout <= 0:
            raise ValueError(f"drain_timeout must be > 0, got {drain_timeout}")
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {max_attempts}")
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
        slots = asyncio.Semaphore(self._concurrency)

        def finished(task: asyncio.Task[None]) -> None:
            self._in_flight.pop(task, None)
            slots.release()

        while True:
            await slots.acquire()
            try:
                job = await self._queue.get()
            except asyncio.CancelledError:
                slots.release()
                raise
            # No await between get() and registering the task: a job is never lost.
            task = asyncio.create_task(self._process(job))
            self._in_flight[task] = job
            task.add_done_callback(finished)

    async def _drain(self) -> None:
        while not self._queue.empty():
            self._report.unstarted.append(self._queue.get_nowait().id)
        pending = set(self._in_flight)
        logger.info(
            "worker draining",
            extra={
                "in_flight": len(pending),
                "unstarted": len(self._report.unstarted),
                "drain_timeout_s": self._drain_timeout,
            },
        )
        if not pending:
            return
        _, stuck = await asyncio.wait(pending, timeout=self._drain_timeout)
        for task in stuck:
            job = self._in_flight[task]
            task.cancel()
            self._report.cancelled.append(job.id)
            logger.warning(
                "job cancelled at drain deadline",
                extra={"job_id": job.id, "correlation_id": job.correlation_id},
            )
        await asyncio.gather(*stuck, return_exceptions=True)

    async def _process(self, job: Job) -> None:
        _job_id.set(job.id)
        _correlation_id.set(job.correlation_id)
        for attempt in range(1, self._max_attempts + 1):
            started = time.monotonic()
            try:
                await self._handler(job)
            except RetryableJobError as exc:
                if attempt == self._max_attempts:
                    self._report.failed.append(job.id)
                    logger.error(
                        "job failed after retries",
                        extra={"attempt": attempt, "error": str(exc)},
                    )
                    return
                logger.warning(
                    "job will be retried",
                    extra={"attempt": attempt, "error": str(exc)},
                )
                await asyncio.sleep(self._retry_delay * attempt)
                continue
            except Exception:
                # Job boundary: one bad job must not take the worker down. The failure
                # is routed to the report (for requeue/alerting) and logged with trace.
                self._report.failed.append(job.id)
                logger.exception("job failed", extra={"attempt": attempt})
                return
            self._report.completed.append(job.id)
            elapsed_ms = round((time.monotonic() - started) * 1000, 1)
            logger.info(
                "job completed",
                extra={"attempt": attempt, "duration_ms": elapsed_ms},
            )
            return
