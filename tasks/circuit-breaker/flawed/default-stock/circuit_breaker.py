"""A thread-safe circuit breaker with an injectable clock.

    CLOSED --(failure_threshold consecutive failures)--> OPEN
    OPEN --(reset_timeout elapsed)--> HALF_OPEN
    HALF_OPEN --(trial call succeeds)--> CLOSED
    HALF_OPEN --(trial call fails)--> OPEN (the timeout starts again)

Only exceptions listed in ``trip_on`` count as failures; others pass through without
touching the state. The protected call's own exception is always re-raised unchanged.
Every state change is logged on the ``circuit_breaker`` logger with structured fields.
"""

from __future__ import annotations

import enum
import logging
import math
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

__all__ = ["CircuitBreaker", "CircuitOpenError", "CircuitState", "correlation_id"]

logger = logging.getLogger("circuit_breaker")

#: Id of the request being served, set by the service's request middleware. State
#: changes carry it, so an opening can be traced to the call that tripped it.
correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)

P = ParamSpec("P")
T = TypeVar("T")


class CircuitState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    """The breaker rejected the call without running it."""

    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"circuit {name!r} is open; retry in {retry_after:.1f}s")
        self.name = name
        self.retry_after = retry_after


class CircuitBreaker:
    """Stops calling a failing dependency until it has had time to recover."""

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        reset_timeout: float = 30.0,
        half_open_max_calls: int = 1,
        trip_on: tuple[type[Exception], ...] = (Exception,),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not name:
            raise ValueError("name must not be empty")
        if isinstance(failure_threshold, bool) or failure_threshold < 1:
            raise ValueError("failure_threshold must be an integer >= 1")
        if not math.isfinite(reset_timeout) or reset_timeout <= 0:
            raise ValueError("reset_timeout must be a finite number of seconds > 0")
        if half_open_max_calls < 1:
            raise ValueError("half_open_max_calls must be >= 1")
        self.name = name
        self._threshold = failure_threshold
        self._reset_timeout = reset_timeout
        self._half_open_max = half_open_max_calls
        self._trip_on = trip_on
        self._clock = clock
        self._lock = threading.Lock()
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trials = 0

    @property
    def state(self) -> CircuitState:
        with self._lock:
            self._refresh()
            return self._state

    def _transition(self, new: CircuitState) -> None:
        old, self._state = self._state, new
        level = logging.WARNING if new is CircuitState.OPEN else logging.INFO
        logger.log(
            level,
            "circuit state changed",
            extra={
                "breaker": self.name,
                "from_state": old.value,
                "to_state": new.value,
                "failures": self._failures,
                "correlation_id": correlation_id.get(),
            },
        )

    def _refresh(self) -> None:
        """Move OPEN to HALF_OPEN once the reset timeout has elapsed (lock held)."""
        if self._state is CircuitState.OPEN:
            if self._clock() - self._opened_at >= self._reset_timeout:
                self._trials = 0
                self._transition(CircuitState.HALF_OPEN)

    def _admit(self) -> None:
        with self._lock:
            self._refresh()
            if self._state is CircuitState.OPEN:
                remaining = self._reset_timeout - (self._clock() - self._opened_at)
                raise CircuitOpenError(self.name, max(0.0, remaining))
            if self._state is CircuitState.HALF_OPEN:
                if self._trials >= self._half_open_max:
                    raise CircuitOpenError(self.name, 0.0)
                self._trials += 1

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._transition(CircuitState.OPEN)

    def _record_success(self) -> None:
        with self._lock:
            self._failures = 0
            if self._state is CircuitState.HALF_OPEN:
                self._transition(CircuitState.CLOSED)

    def _record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            half_open = self._state is CircuitState.HALF_OPEN
            if half_open or self._failures >= self._threshold:
                self._open()

    def call(self, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``func`` through the breaker.

        Raises:
            CircuitOpenError: The circuit is open (or its half-open trial slots are
                taken); ``func`` was not called.
            Exception: Whatever ``func`` raised, unchanged.
        """
        self._admit()
        # The lock is not held while the dependency runs: a slow call must not block
        # other callers from being rejected quickly.
        try:
            result = func(*args, **kwargs)
        except self._trip_on:
            self._record_failure()
            raise
        except Exception:
            self._release_trial()
            raise
        self._record_success()
        return result

    def _release_trial(self) -> None:
        """A non-tripping error in HALF_OPEN frees its trial slot."""
        with self._lock:
            if self._state is CircuitState.HALF_OPEN and self._trials > 0:
                self._trials -= 1
