"""Who a busy sandbox serves first, and how long a caller only waited for it.

Both travel in context variables, so they follow a sample from the runner through
``asyncio.to_thread`` (and any thread started with ``contextvars.copy_context().run``)
down to :class:`~evals.sandbox._pool.WorkerPool`, without a parameter on every grader:

- :func:`serve_in_order`: the pool hands a free worker to the waiting call with the
  lowest order (then the one that asked first). The runner gives each sample the order
  in which its grading started, so the first samples' requests are not queued behind
  the mutation runs of samples that started later.
- :class:`QueueClock`: counts the seconds during which every call made under it was
  waiting for a worker and none was being served. A grade's ``duration_s`` subtracts
  them: it measures the grade's own run, not its place in the queue.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar

__all__ = ["QueueClock", "current_clock", "current_order", "queue_clock", "serve_in_order"]

#: Calls made outside any :func:`serve_in_order` come after every ordered one, FIFO.
UNORDERED = float("inf")

_ORDER: ContextVar[float] = ContextVar("evals_sandbox_order", default=UNORDERED)
_CLOCK: ContextVar[QueueClock | None] = ContextVar("evals_sandbox_queue_clock", default=None)


class QueueClock:
    """Seconds during which all calls under this clock waited and none was served."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting = 0
        self._serving = 0
        self._since = 0.0
        self._queued = 0.0

    def _advance(self, now: float) -> None:
        if self._waiting and not self._serving:
            self._queued += now - self._since
        self._since = now

    def waiting(self) -> None:
        """A call starts waiting for a worker."""
        with self._lock:
            self._advance(time.perf_counter())
            self._waiting += 1

    def served(self) -> None:
        """The waiting call got a worker (or gave up waiting)."""
        with self._lock:
            self._advance(time.perf_counter())
            self._waiting -= 1
            self._serving += 1

    def done(self) -> None:
        """The call that was served is finished."""
        with self._lock:
            self._advance(time.perf_counter())
            self._serving -= 1

    @property
    def queued_s(self) -> float:
        """Queued seconds so far (including a wait still going on)."""
        with self._lock:
            self._advance(time.perf_counter())
            return self._queued


@contextlib.contextmanager
def serve_in_order(order: float) -> Iterator[None]:
    """Calls made inside are served before those of any larger ``order``."""
    token = _ORDER.set(order)
    try:
        yield
    finally:
        _ORDER.reset(token)


@contextlib.contextmanager
def queue_clock() -> Iterator[QueueClock]:
    """A fresh :class:`QueueClock` counting the calls made inside."""
    clock = QueueClock()
    token = _CLOCK.set(clock)
    try:
        yield clock
    finally:
        _CLOCK.reset(token)


def current_order() -> float:
    """The order of calls made here (:data:`UNORDERED` outside :func:`serve_in_order`)."""
    return _ORDER.get()


def current_clock() -> QueueClock | None:
    """The clock counting calls made here, if any."""
    return _CLOCK.get()
