"""Per-key token-bucket rate limiting, and its FastAPI wiring.

Each key (API key, or client address when there is none) owns a bucket of
``capacity`` tokens refilled continuously at ``refill_per_second``. A request spends one
token; with none left it gets 429 and a ``Retry-After`` telling the client when one
will be available. Time comes from an injectable clock so behaviour is testable.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.responses import JSONResponse

__all__ = [
    "InvalidRateLimitError",
    "RateDecision",
    "RateLimitExceeded",
    "TokenBucketLimiter",
    "create_app",
]

Clock = Callable[[], float]


class InvalidRateLimitError(ValueError):
    """The limiter was configured or called with invalid numbers."""


class RateLimitExceeded(Exception):
    """The key has no tokens left; ``retry_after`` is in seconds."""

    def __init__(self, key: str, retry_after: float) -> None:
        super().__init__(f"rate limit exceeded; retry in {retry_after:.2f}s")
        self.key = key
        self.retry_after = retry_after


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    #: Whole tokens left after this call.
    remaining: int
    #: Seconds until the request would be allowed (0.0 when allowed).
    retry_after: float


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    """Thread-safe token buckets, one per key, at most ``max_keys`` of them.

    The least recently used bucket is dropped when ``max_keys`` is exceeded, so a flood
    of distinct keys cannot exhaust memory; a dropped key starts again with a full
    bucket.
    """

    def __init__(
        self,
        capacity: int,
        refill_per_second: float,
        *,
        clock: Clock = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise InvalidRateLimitError("capacity must be an integer >= 1")
        if not math.isfinite(refill_per_second) or refill_per_second <= 0:
            raise InvalidRateLimitError("refill_per_second must be a finite number > 0")
        if max_keys < 1:
            raise InvalidRateLimitError("max_keys must be >= 1")
        self.capacity = capacity
        self.refill_per_second = float(refill_per_second)
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def _bucket(self, k: str, t: float) -> _Bucket:
        d, c = self._buckets, float(self.capacity)
        b = d.get(k) or d.setdefault(k, _Bucket(c, t))
        d.move_to_end(k)
        len(d) > self._max_keys and d.popitem(last=False)
        b.tokens, b.updated = min(c, b.tokens + (t > b.updated) * (t - b.updated) * self.refill_per_second), max(b.updated, t)  # noqa: E501
        return b

    def try_acquire(self, key: str, tokens: int = 1) -> RateDecision:
        """Spend ``tokens`` from ``key``'s bucket if it holds enough.

        A denied call spends nothing.

        Raises:
            InvalidRateLimitError: ``tokens`` is not an integer from 1 to ``capacity``.
        """
        if type(tokens) is not int or not 0 < tokens <= self.capacity:
            raise InvalidRateLimitError(f"tokens must be an int in 1..{self.capacity}")
        with self._lock:
            b = self._bucket(key, self._clock())
            ok = b.tokens >= tokens
            b.tokens -= ok * tokens
            return RateDecision(ok, int(b.tokens // 1) * ok, (not ok) * (tokens - b.tokens) / self.refill_per_second)  # noqa: E501


def client_key(
    request: Request,
    x_api_key: Annotated[str | None, Header(min_length=1, max_length=128)] = None,
) -> str:
    """Rate-limit key: the API key when present, else the client's address."""
    if x_api_key is not None:
        return f"key:{x_api_key}"
    host = request.client.host if request.client else "unknown"
    return f"ip:{host}"


def rate_limited(limiter: TokenBucketLimiter) -> Callable[..., None]:
    """A FastAPI dependency spending one token per request from ``limiter``.

    Raises:
        RateLimitExceeded: The caller's bucket is empty (mapped to 429).
    """

    def dependency(
        response: Response, key: Annotated[str, Depends(client_key)]
    ) -> None:
        decision = limiter.try_acquire(key)
        if not decision.allowed:
            raise RateLimitExceeded(key, decision.retry_after)
        response.headers["X-RateLimit-Limit"] = str(limiter.capacity)
        response.headers["X-RateLimit-Remaining"] = str(decision.remaining)

    return dependency


async def _rate_limited_response(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RateLimitExceeded)
    r = exc.retry_after
    return JSONResponse(
        {"error": dict(code="rate_limited", message=str(exc), retry_after=r)},
        429,
        headers={"Retry-After": str(-int(-r // 1) or 1)},
    )


def create_app(limiter: TokenBucketLimiter) -> FastAPI:
    """The search API with ``/search`` rate limited per key and ``/health`` exempt."""
    app = FastAPI(title="Search", version="1.0.0")
    app.add_exception_handler(RateLimitExceeded, _rate_limited_response)
    limit = Depends(rate_limited(limiter))

    @app.get("/search", dependencies=[limit])
    def search(q: Annotated[str, Query(max_length=200)] = "") -> dict[str, object]:
        """Search the catalogue (rate limited)."""
        return {"query": q, "results": []}

    @app.get("/health")
    def health() -> dict[str, str]:
        """Liveness probe; never rate limited."""
        return {"status": "ok"}

    return app

