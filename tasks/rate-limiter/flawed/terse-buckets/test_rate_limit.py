"""Tests for rate_limit.py: bucket arithmetic on a fake clock, then the HTTP layer."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from rate_limit import InvalidRateLimitError, TokenBucketLimiter, create_app


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_allows_capacity_then_denies_with_retry_after() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(2, 4.0, clock=clock)
    assert limiter.try_acquire("k").allowed
    assert limiter.try_acquire("k").allowed
    denied = limiter.try_acquire("k")
    assert not denied.allowed
    assert denied.retry_after == pytest.approx(0.25)


def test_refills_but_never_above_capacity() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(2, 1.0, clock=clock)
    limiter.try_acquire("k")
    limiter.try_acquire("k")
    clock.now = 100.0
    results = [limiter.try_acquire("k").allowed for _ in range(3)]
    assert results == [True, True, False]


def test_denied_request_spends_nothing() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(1, 1.0, clock=clock)
    limiter.try_acquire("k")
    limiter.try_acquire("k")
    clock.now = 1.0
    assert limiter.try_acquire("k").allowed


def test_backwards_clock_does_not_add_tokens() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(1, 1.0, clock=clock)
    limiter.try_acquire("k")
    clock.now = -10.0
    assert not limiter.try_acquire("k").allowed


def test_buckets_are_per_key_and_bounded() -> None:
    limiter = TokenBucketLimiter(1, 1.0, clock=FakeClock(), max_keys=3)
    assert limiter.try_acquire("a").allowed
    assert limiter.try_acquire("b").allowed
    for key in "cdef":
        limiter.try_acquire(key)
    assert len(limiter) == 3


@pytest.mark.parametrize(("capacity", "rate"), [(0, 1.0), (3, 0.0), (3, float("nan"))])
def test_rejects_bad_configuration(capacity: int, rate: float) -> None:
    with pytest.raises(InvalidRateLimitError):
        TokenBucketLimiter(capacity, rate)


def test_rejects_cost_above_capacity() -> None:
    with pytest.raises(InvalidRateLimitError):
        TokenBucketLimiter(2, 1.0).try_acquire("k", tokens=3)


def test_http_returns_429_with_rounded_up_retry_after() -> None:
    clock = FakeClock()
    client = TestClient(create_app(TokenBucketLimiter(1, 0.4, clock=clock)))
    assert client.get("/search", headers={"X-API-Key": "a"}).status_code == 200
    response = client.get("/search", headers={"X-API-Key": "a"})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    assert response.json()["error"]["code"] == "rate_limited"
    assert client.get("/search", headers={"X-API-Key": "b"}).status_code == 200
    assert client.get("/health").status_code == 200
