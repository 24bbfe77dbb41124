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
* hands a released slot to the oldest waiter (FIFO, O(1) per release);
* with ``one_sender`` (the default), lets one admitted request at a time build and hand
  its request to the transport: the next admitted task proceeds when the previous one's
  request hook fires (:meth:`sending`), its call ends, or 50 ms have passed. Without it,
  the C requests admitted by a wave of releases advance step by step in turn on the event
  loop (each await puts a task behind all the others), so each reaches the wire only
  after all C have been built: the wave pays C times the client's per-request CPU (~1 ms
  with the SDK) on top of the latency. Taking turns sends each request as soon as it is
  built. Only CPU-bound work is serialised (which the GIL serialises anyway): the turn is
  passed on before the connection is opened and the response awaited. It replaces a
  fixed 2 ms spacing between admissions, which capped throughput at 500 requests/s and
  spread the first wave over 128 ms.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Mapping
from types import TracebackType

__all__ = ["AdaptiveLimiter"]

_REMAINING = "anthropic-ratelimit-requests-remaining"
_TURN_TIMEOUT_S = 0.05  # longest one request's build may hold up the others


class AdaptiveLimiter:
    """An async context manager admitting at most ``limit`` holders at once."""

    def __init__(
        self,
        max_limit: int,
        *,
        burst: int = 3,
        window_s: float = 5.0,
        cooldown_s: float = 1.0,
        one_sender: bool = True,
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
        # Tasks waiting for a slot, oldest first. A release hands its slot to exactly one
        # of them (counted in in_flight before it wakes): O(1), no herd re-checking a
        # condition.
        self._waiters: deque[asyncio.Future[None]] = deque()
        self.one_sender = one_sender
        # The admitted task still building its request, and the admitted tasks queued
        # behind it (see the module docstring).
        self._sender: asyncio.Task[object] | None = None
        self._senders: deque[tuple[asyncio.Task[object], asyncio.Future[None]]] = deque()
        self._turn_timer: asyncio.TimerHandle | None = None

    async def __aenter__(self) -> AdaptiveLimiter:
        if self._waiters or self.in_flight >= self.limit:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled():
                    self._release()  # the slot was handed over as we were cancelled
                else:
                    self._waiters.remove(waiter)
                raise
        else:
            self.in_flight += 1
        if self.one_sender:
            try:
                await self._take_turn()
            except BaseException:
                self._release()
                raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._release()

    def sending(self) -> None:
        """The current task's request is built and goes to the transport (request hook)."""
        if self._sender is not None and self._sender is asyncio.current_task():
            self._pass_turn()

    async def _take_turn(self) -> None:
        task = asyncio.current_task()
        assert task is not None
        if self._sender is None:
            self._give_turn(task)
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._senders.append((task, turn))
        try:
            await turn
        except BaseException:
            if self._sender is task:
                self._pass_turn()
            else:
                self._senders.remove((task, turn))
            raise

    def _give_turn(self, task: asyncio.Task[object]) -> None:
        self._sender = task
        # Insurance: a request built elsewhere (its hook fires in another task) or a slow
        # pre-send step must not hold up everyone behind it.
        self._turn_timer = asyncio.get_running_loop().call_later(
            _TURN_TIMEOUT_S, self._expire_turn, task
        )

    def _expire_turn(self, task: asyncio.Task[object]) -> None:
        if self._sender is task:
            self._pass_turn()

    def _pass_turn(self) -> None:
        self._sender = None
        if self._turn_timer is not None:
            self._turn_timer.cancel()
            self._turn_timer = None
        while self._senders:
            task, turn = self._senders.popleft()
            if not turn.done():
                self._give_turn(task)
                turn.set_result(None)
                return

    def _release(self) -> None:
        if self._sender is not None and self._sender is asyncio.current_task():
            self._pass_turn()  # ended (or failed) before its request was sent
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self.in_flight < self.limit:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self.in_flight += 1
                waiter.set_result(None)

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
        self.limit = min(limit, self.max_limit)
        self._wake()


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
