"""Adaptive per-provider concurrency: a semaphore whose size follows the rate limits.

The SDKs retry 429s themselves (honouring ``retry-after``), which is right for a blip but
wrong for a run that keeps hitting its limit: every retry is another rejected request.
:class:`AdaptiveLimiter` watches every HTTP attempt (through an ``httpx2`` response hook,
so it sees the attempts the SDK retries internally) and:

* halves the limit when 429s are *sustained* (``burst`` of them within ``window_s``), at
  most once per ``cooldown_s``, never below 1;
* caps the limit by ``anthropic-ratelimit-requests-remaining`` when the server says
  fewer requests are left than are in flight;
* grows back by one after ``limit`` consecutive successes, up to the configured maximum
  (additive increase, multiplicative decrease);
* spaces admissions at least ``min_interval_s`` apart (default 2 ms, i.e. at most 500
  requests/s). Without it, C requests start together, finish together and restart
  together: every wave then pays the client's serialised CPU time for all C requests on
  top of the latency. Spacing breaks that lock-step (and avoids the bursts that trip
  servers' acceleration limits); in ``evals bench providers`` it turns 1.3x of the ideal
  N·L/C into about 1.2x.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Mapping
from types import TracebackType

__all__ = ["AdaptiveLimiter"]

_REMAINING = "anthropic-ratelimit-requests-remaining"


class AdaptiveLimiter:
    """An async context manager admitting at most ``limit`` holders at once."""

    def __init__(
        self,
        max_limit: int,
        *,
        burst: int = 3,
        window_s: float = 5.0,
        cooldown_s: float = 1.0,
        min_interval_s: float = 0.002,
    ) -> None:
        if max_limit < 1:
            raise ValueError("max_limit must be >= 1")
        self.max_limit = max_limit
        self.limit = max_limit
        self.in_flight = 0
        self.burst = burst
        self.window_s = window_s
        self.cooldown_s = cooldown_s
        self.throttled = 0  # 429s seen
        self.decreases = 0
        self._recent: deque[float] = deque()
        self._last_decrease = -1e9
        self._successes = 0
        self._cond: asyncio.Condition | None = None
        self.min_interval_s = min_interval_s
        self._next_at = 0.0

    def _condition(self) -> asyncio.Condition:
        # Created lazily so the limiter can be built outside a running loop.
        if self._cond is None:
            self._cond = asyncio.Condition()
        return self._cond

    async def __aenter__(self) -> AdaptiveLimiter:
        cond = self._condition()
        async with cond:
            await cond.wait_for(lambda: self.in_flight < self.limit)
            self.in_flight += 1
        if self.min_interval_s > 0:
            now = time.monotonic()
            start = max(now, self._next_at)
            self._next_at = start + self.min_interval_s
            if start > now:
                try:
                    await asyncio.sleep(start - now)
                except BaseException:  # cancelled while paced: give the slot back
                    await self.__aexit__(None, None, None)
                    raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        cond = self._condition()
        async with cond:
            self.in_flight -= 1
            cond.notify_all()

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Feed one HTTP attempt's status and headers (called for every attempt)."""
        now = time.monotonic()
        if status == 429:
            self.throttled += 1
            self._successes = 0
            self._recent.append(now)
            while self._recent and now - self._recent[0] > self.window_s:
                self._recent.popleft()
            sustained = len(self._recent) >= self.burst
            if sustained and now - self._last_decrease >= self.cooldown_s:
                self._set(max(1, self.limit // 2), now)
            return
        remaining = _int(headers.get(_REMAINING))
        if remaining is not None and remaining < self.in_flight:
            self._set(max(1, remaining), now)
            return
        if 200 <= status < 300 and self.limit < self.max_limit:
            self._successes += 1
            if self._successes >= self.limit:
                self._successes = 0
                self._set(self.limit + 1, None)

    def _set(self, limit: int, now: float | None) -> None:
        if limit < self.limit:
            self.decreases += 1
            if now is not None:
                self._last_decrease = now
            self._recent.clear()
        # Growth needs no wake-up: it is observed during a request whose release notifies.
        self.limit = min(limit, self.max_limit)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
