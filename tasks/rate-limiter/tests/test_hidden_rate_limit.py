import threading

import pytest
from fastapi.testclient import TestClient

from rate_limit import (
    InvalidRateLimitError,
    RateLimitExceeded,
    TokenBucketLimiter,
    create_app,
)


class FakeClock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture()
def clock():
    return FakeClock()


def test_burst_up_to_capacity_then_denied(clock):
    limiter = TokenBucketLimiter(3, 2.0, clock=clock)
    decisions = [limiter.try_acquire("a") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
    assert decisions[3].retry_after == pytest.approx(0.5)


def test_tokens_refill_with_time(clock):
    limiter = TokenBucketLimiter(2, 0.5, clock=clock)
    assert limiter.try_acquire("a").allowed
    assert limiter.try_acquire("a").allowed
    denied = limiter.try_acquire("a")
    assert not denied.allowed and denied.retry_after == pytest.approx(2.0)
    clock.advance(1.0)
    assert limiter.try_acquire("a").retry_after == pytest.approx(1.0)
    clock.advance(1.0)
    assert limiter.try_acquire("a").allowed
    assert not limiter.try_acquire("a").allowed


def test_denied_calls_do_not_spend_tokens(clock):
    limiter = TokenBucketLimiter(1, 1.0, clock=clock)
    assert limiter.try_acquire("a").allowed
    for _ in range(5):
        assert not limiter.try_acquire("a").allowed
    clock.advance(1.0)
    assert limiter.try_acquire("a").allowed


def test_refill_is_capped_at_capacity(clock):
    limiter = TokenBucketLimiter(3, 10.0, clock=clock)
    limiter.try_acquire("a")
    clock.advance(3600)
    assert [limiter.try_acquire("a").allowed for _ in range(4)] == [True, True, True, False]


def test_keys_are_independent(clock):
    limiter = TokenBucketLimiter(1, 1.0, clock=clock)
    assert limiter.try_acquire("alice").allowed
    assert not limiter.try_acquire("alice").allowed
    assert limiter.try_acquire("bob").allowed


def test_multi_token_cost(clock):
    limiter = TokenBucketLimiter(5, 1.0, clock=clock)
    assert limiter.try_acquire("a", tokens=4).remaining == 1
    denied = limiter.try_acquire("a", tokens=3)
    assert not denied.allowed and denied.retry_after == pytest.approx(2.0)
    assert limiter.try_acquire("a", tokens=1).allowed


def test_clock_going_backwards_mints_nothing(clock):
    limiter = TokenBucketLimiter(1, 1.0, clock=clock)
    assert limiter.try_acquire("a").allowed
    clock.advance(-30)
    assert not limiter.try_acquire("a").allowed
    clock.advance(0.5)
    assert not limiter.try_acquire("a").allowed


def test_number_of_buckets_is_bounded(clock):
    limiter = TokenBucketLimiter(1, 1.0, clock=clock, max_keys=100)
    for i in range(1000):
        limiter.try_acquire(f"k{i}")
    assert len(limiter) <= 100
    assert not limiter.try_acquire("k999").allowed


def test_concurrent_callers_cannot_overspend(clock):
    limiter = TokenBucketLimiter(10, 1.0, clock=clock)
    allowed = []
    barrier = threading.Barrier(6, timeout=5)

    def worker():
        barrier.wait()
        for _ in range(10):
            allowed.append(limiter.try_acquire("shared").allowed)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert sum(allowed) == 10 and len(allowed) == 60


@pytest.mark.parametrize(
    ("capacity", "rate"),
    [
        pytest.param(0, 1.0, id="zero-capacity"),
        pytest.param(-1, 1.0, id="negative-capacity"),
        pytest.param(2.5, 1.0, id="fractional-capacity"),
        pytest.param(5, 0, id="zero-rate"),
        pytest.param(5, -1.0, id="negative-rate"),
        pytest.param(5, float("nan"), id="nan-rate"),
        pytest.param(5, float("inf"), id="inf-rate"),
    ],
)
def test_invalid_configuration_is_rejected(clock, capacity, rate):
    with pytest.raises(InvalidRateLimitError):
        TokenBucketLimiter(capacity, rate, clock=clock)


@pytest.mark.parametrize("tokens", [0, -1, 6])
def test_invalid_cost_is_rejected(clock, tokens):
    limiter = TokenBucketLimiter(5, 1.0, clock=clock)
    with pytest.raises(InvalidRateLimitError):
        limiter.try_acquire("a", tokens=tokens)
    assert limiter.try_acquire("a", tokens=5).allowed


def test_invalid_rate_limit_error_is_a_value_error():
    assert issubclass(InvalidRateLimitError, ValueError)
    assert issubclass(RateLimitExceeded, Exception)


def make_client(clock, capacity=2, rate=0.4):
    return TestClient(create_app(TokenBucketLimiter(capacity, rate, clock=clock)))


def test_http_429_with_retry_after(clock):
    client = make_client(clock)
    headers = {"X-API-Key": "team-a"}
    first = client.get("/search", params={"q": "x"}, headers=headers)
    assert first.status_code == 200
    assert first.headers["X-RateLimit-Remaining"] == "1"
    assert client.get("/search", headers=headers).headers["X-RateLimit-Remaining"] == "0"
    limited = client.get("/search", headers=headers)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "3"  # 2.5 s rounded up
    error = limited.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["retry_after"] == pytest.approx(2.5)
    assert error["message"]


def test_http_client_recovers_after_retry_after(clock):
    client = make_client(clock, capacity=1, rate=1.0)
    headers = {"X-API-Key": "team-a"}
    assert client.get("/search", headers=headers).status_code == 200
    limited = client.get("/search", headers=headers)
    clock.advance(float(limited.headers["Retry-After"]))
    assert client.get("/search", headers=headers).status_code == 200


def test_http_keys_are_isolated_and_health_is_exempt(clock):
    client = make_client(clock, capacity=1)
    assert client.get("/search", headers={"X-API-Key": "a"}).status_code == 200
    assert client.get("/search", headers={"X-API-Key": "a"}).status_code == 429
    assert client.get("/search", headers={"X-API-Key": "b"}).status_code == 200
    for _ in range(5):
        assert client.get("/health").status_code == 200


def test_http_without_api_key_is_limited_by_client(clock):
    client = make_client(clock, capacity=1)
    assert client.get("/search").status_code == 200
    assert client.get("/search").status_code == 429


def test_http_oversized_api_key_is_rejected(clock):
    client = make_client(clock)
    response = client.get("/search", headers={"X-API-Key": "k" * 500})
    assert response.status_code == 422
