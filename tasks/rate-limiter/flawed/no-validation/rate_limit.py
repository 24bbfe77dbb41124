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

from fastapi import Depends, FastAPI, Header, Request, Response
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
    """Reserved for invalid limiter settings."""


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
        self.capacity = capacity
        self.refill_per_second = float(refill_per_second)
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def _bucket(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(tokens=float(self.capacity), updated=now)
            self._buckets[key] = bucket
            if len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            # A clock that steps backwards must not mint tokens.
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(
                float(self.capacity), bucket.tokens + elapsed * self.refill_per_second
            )
            bucket.updated = max(bucket.updated, now)
        return bucket

    def try_acquire(self, key: str, tokens: int = 1) -> RateDecision:
        """Spend ``tokens`` from ``key``'s bucket if it holds enough.

        A denied call spends nothing.
        """
        with self._lock:
            bucket = self._bucket(key, self._clock())
            if bucket.tokens >= tokens:
                bucket.tokens -= tokens
                return RateDecision(True, math.floor(bucket.tokens), 0.0)
            missing = tokens - bucket.tokens
            return RateDecision(False, 0, missing / self.refill_per_second)


def client_key(
    request: Request,
    x_api_key: Annotated[str | None, Header()] = None,
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
    # Retry-After is whole seconds; round up so a client that obeys it succeeds.
    retry_after = max(1, math.ceil(exc.retry_after))
    body = {
        "error": {
            "code": "rate_limited",
            "message": str(exc),
            "retry_after": exc.retry_after,
        }
    }
    headers = {"Retry-After": str(retry_after)}
    return JSONResponse(body, status_code=429, headers=headers)


def create_app(limiter: TokenBucketLimiter) -> FastAPI:
    """The search API with ``/search`` rate limited per key and ``/health`` exempt."""
    app = FastAPI(title="Search", version="1.0.0")
    app.add_exception_handler(RateLimitExceeded, _rate_limited_response)
    limit = Depends(rate_limited(limiter))

    @app.get("/search", dependencies=[limit])
    def search(request: Request) -> dict[str, object]:
        """Search the catalogue (rate limited)."""
        return {"query": request.query_params.get("q", ""), "results": []}

    @app.get("/health")
    def health() -> dict[str, str]:
        """Liveness probe; never rate limited."""
        return {"status": "ok"}

    return app

