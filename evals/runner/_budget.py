"""Budget admission for ``--max-cost``: reserve before dispatch, settle with the real cost.

Each request reserves an upper bound of its cost (:func:`~evals.providers.cost.reserve_usd`)
before it is sent, and settles with what it really cost (candidate and judge) when its
sample is recorded. A request is admitted when its reservation fits under the cap next
to what is spent and reserved; when it does not fit it waits for the requests in flight
to settle, and when nothing is in flight one last request is admitted while anything is
left. So a run ends at most one request's cost above the cap, and a resume whose cap is
already spent makes no request at all. Judge calls are not reserved (their count is
only known while grading); their cost settles with the sample.
"""

from __future__ import annotations

import asyncio

__all__ = ["Budget"]


class Budget:
    """Spent and reserved dollars against an optional cap."""

    def __init__(self, cap: float | None, spent: float = 0.0) -> None:
        self.cap = cap
        self.spent = spent
        self.reserved = 0.0
        self.in_flight = 0
        #: Requests admitted so far.
        self.admitted = 0
        self.stopped = False
        self._changed = asyncio.Condition()

    @property
    def exhausted(self) -> bool:
        """True when the cap is set and already reached."""
        return self.cap is not None and self.spent >= self.cap

    async def admit(self, estimate: float) -> bool:
        """Wait until ``estimate`` may be reserved; False when the budget is spent."""
        if self.cap is None:
            self.in_flight += 1
            self.admitted += 1
            return True
        async with self._changed:
            while True:
                if self.stopped or self.exhausted:
                    self.stopped = True
                    return False
                fits = self.spent + self.reserved + estimate <= self.cap
                if fits or self.in_flight == 0:
                    self.reserved += estimate
                    self.in_flight += 1
                    self.admitted += 1
                    return True
                await self._changed.wait()

    async def settle(self, estimate: float, actual: float) -> None:
        """Release ``estimate`` and record ``actual`` (call once per admitted request)."""
        async with self._changed:
            self.reserved = max(0.0, self.reserved - estimate)
            self.in_flight -= 1
            self.spent += actual
            if self.exhausted:
                self.stopped = True
            self._changed.notify_all()
