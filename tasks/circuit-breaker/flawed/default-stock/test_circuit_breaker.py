"""Tests for the circuit breaker and the inventory client (fake clock, mock HTTP)."""

from __future__ import annotations

import logging

import httpx
import pytest

from circuit_breaker import (
    CircuitBreaker,
    CircuitOpenError,
    CircuitState,
    correlation_id,
)
from inventory_client import InventoryClient, InventoryUnavailable, SkuNotFound


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _fail() -> None:
    raise ConnectionError("down")


def _breaker(clock: FakeClock, threshold: int = 2) -> CircuitBreaker:
    return CircuitBreaker(
        "test", failure_threshold=threshold, reset_timeout=10.0, clock=clock
    )


def _state(breaker: CircuitBreaker) -> CircuitState:
    """Read the state through a call, so mypy does not carry narrowing across calls."""
    return breaker.state


def _trip(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        with pytest.raises(ConnectionError):
            breaker.call(_fail)


def test_opens_after_consecutive_failures_and_fails_fast() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _trip(breaker, 2)
    assert breaker.state is CircuitState.OPEN
    called: list[int] = []
    with pytest.raises(CircuitOpenError) as info:
        breaker.call(lambda: called.append(1))
    assert called == []
    assert info.value.retry_after == pytest.approx(10.0)


def test_success_resets_consecutive_count() -> None:
    breaker = _breaker(FakeClock())
    _trip(breaker, 1)
    assert breaker.call(lambda: "ok") == "ok"
    _trip(breaker, 1)
    assert breaker.state is CircuitState.CLOSED


def test_half_open_trial_closes_or_reopens() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _trip(breaker, 2)
    clock.now = 10.0
    assert _state(breaker) is CircuitState.HALF_OPEN
    _trip(breaker, 1)
    assert _state(breaker) is CircuitState.OPEN
    clock.now = 20.0
    assert breaker.call(lambda: 1) == 1
    assert breaker.state is CircuitState.CLOSED


def test_exceptions_outside_trip_on_do_not_count() -> None:
    breaker = CircuitBreaker("t", failure_threshold=1, trip_on=(ConnectionError,))
    with pytest.raises(KeyError):
        breaker.call(lambda: {"present": 1}["missing"])
    assert breaker.state is CircuitState.CLOSED


def test_rejects_invalid_configuration() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker("t", failure_threshold=0)
    with pytest.raises(ValueError):
        CircuitBreaker("t", reset_timeout=-1)


def test_state_changes_are_logged_with_fields(caplog: pytest.LogCaptureFixture) -> None:
    breaker = _breaker(FakeClock())
    token = correlation_id.set("req-42")
    try:
        with caplog.at_level(logging.INFO, logger="circuit_breaker"):
            _trip(breaker, 2)
    finally:
        correlation_id.reset(token)
    record = caplog.records[-1]
    assert record.levelno == logging.WARNING
    fields = (record.breaker, record.to_state, record.correlation_id)  # type: ignore[attr-defined]
    assert fields == ("test", "open", "req-42")


def _client(handler: httpx.MockTransport, clock: FakeClock) -> InventoryClient:
    http = httpx.Client(base_url="http://inventory.test", transport=handler)
    return InventoryClient(http, _breaker(clock))


def test_client_maps_outage_and_open_circuit_to_unavailable() -> None:
    calls: list[str] = []

    def down(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(503)

    client = _client(httpx.MockTransport(down), FakeClock())
    for _ in range(3):
        with pytest.raises(InventoryUnavailable):
            client.get_stock("SKU-1")
    assert len(calls) == 2


def test_client_not_found_is_not_an_outage() -> None:
    def missing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404)

    client = _client(httpx.MockTransport(missing), FakeClock())
    for _ in range(3):
        with pytest.raises(SkuNotFound):
            client.get_stock("SKU-1")
