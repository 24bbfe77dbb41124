import logging
import threading

import httpx
import pytest

from circuit_breaker import CircuitBreaker, CircuitOpenError, CircuitState
from inventory_client import (
    InvalidSku,
    InventoryClient,
    InventoryUnavailable,
    SkuNotFound,
)


class FakeClock:
    def __init__(self):
        self.now = 500.0

    def __call__(self):
        return self.now


class Boom(ConnectionError):
    pass


def fail():
    raise Boom("down")


def ok(value=42):
    return value


@pytest.fixture()
def clock():
    return FakeClock()


def make(clock, **kwargs):
    kwargs.setdefault("failure_threshold", 3)
    kwargs.setdefault("reset_timeout", 10.0)
    return CircuitBreaker("inventory", clock=clock, **kwargs)


def trip(breaker, times):
    for _ in range(times):
        with pytest.raises(Boom):
            breaker.call(fail)


def test_closed_passes_results_and_arguments(clock):
    breaker = make(clock)
    assert breaker.call(ok, 7) == 7
    assert breaker.call(ok, value=8) == 8
    assert breaker.state is CircuitState.CLOSED


def test_original_exception_is_reraised_unchanged(clock):
    breaker = make(clock)
    error = Boom("specific")

    def raiser():
        raise error

    with pytest.raises(Boom) as info:
        breaker.call(raiser)
    assert info.value is error


def test_opens_after_threshold_consecutive_failures(clock):
    breaker = make(clock)
    trip(breaker, 2)
    assert breaker.state is CircuitState.CLOSED
    trip(breaker, 1)
    assert breaker.state is CircuitState.OPEN


def test_success_resets_the_failure_count(clock):
    breaker = make(clock)
    trip(breaker, 2)
    breaker.call(ok)
    trip(breaker, 2)
    assert breaker.state is CircuitState.CLOSED


def test_open_circuit_rejects_without_calling(clock):
    breaker = make(clock)
    trip(breaker, 3)
    calls = []
    clock.now += 4
    with pytest.raises(CircuitOpenError) as info:
        breaker.call(lambda: calls.append(1))
    assert calls == []
    assert info.value.retry_after == pytest.approx(6.0)
    assert "inventory" in str(info.value)


def test_half_open_success_closes(clock):
    breaker = make(clock)
    trip(breaker, 3)
    clock.now += 10
    assert breaker.state is CircuitState.HALF_OPEN
    assert breaker.call(ok) == 42
    assert breaker.state is CircuitState.CLOSED
    trip(breaker, 2)
    assert breaker.state is CircuitState.CLOSED


def test_half_open_failure_reopens_and_restarts_timer(clock):
    breaker = make(clock)
    trip(breaker, 3)
    clock.now += 10
    trip(breaker, 1)
    assert breaker.state is CircuitState.OPEN
    clock.now += 9
    with pytest.raises(CircuitOpenError):
        breaker.call(ok)
    clock.now += 1
    assert breaker.call(ok) == 42


def test_half_open_admits_limited_trial_calls(clock):
    breaker = make(clock, half_open_max_calls=1)
    trip(breaker, 3)
    clock.now += 10
    entered, release = threading.Event(), threading.Event()
    results = {}

    def slow():
        entered.set()
        assert release.wait(5)
        return "trial"

    first = threading.Thread(target=lambda: results.setdefault("first", breaker.call(slow)))
    first.start()
    try:
        assert entered.wait(5)

        def second_call():
            try:
                breaker.call(ok)
                results["second"] = "ran"
            except CircuitOpenError:
                results["second"] = "rejected"

        second = threading.Thread(target=second_call)
        second.start()
        second.join(5)
        assert not second.is_alive(), "second call blocked while the trial ran"
        assert results["second"] == "rejected"
    finally:
        release.set()
        first.join(5)
    assert results["first"] == "trial"
    assert breaker.state is CircuitState.CLOSED


def test_non_tripping_exceptions_pass_through(clock):
    breaker = make(clock, trip_on=(ConnectionError,))

    def bad_input():
        raise KeyError("sku")

    for _ in range(10):
        with pytest.raises(KeyError):
            breaker.call(bad_input)
    assert breaker.state is CircuitState.CLOSED


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"failure_threshold": 0}, id="threshold-zero"),
        pytest.param({"reset_timeout": 0}, id="timeout-zero"),
        pytest.param({"reset_timeout": -1.0}, id="timeout-negative"),
        pytest.param({"half_open_max_calls": 0}, id="trials-zero"),
    ],
)
def test_invalid_configuration(clock, kwargs):
    with pytest.raises(ValueError):
        make(clock, **kwargs)


def test_state_changes_are_logged(clock, caplog):
    breaker = make(clock)
    with caplog.at_level(logging.INFO, logger="circuit_breaker"):
        trip(breaker, 3)
        clock.now += 10
        breaker.call(ok)
    records = [r for r in caplog.records if r.name == "circuit_breaker"]
    assert len(records) >= 3  # closed->open, open->half_open, half_open->closed
    assert any(r.levelno >= logging.WARNING for r in records)


class Inventory:
    def __init__(self):
        self.requests = []
        self.mode = "ok"

    def __call__(self, request):
        self.requests.append(request.url.path)
        if self.mode == "down":
            return httpx.Response(503, json={"error": "maintenance"})
        if self.mode == "connect-error":
            raise httpx.ConnectError("refused", request=request)
        if self.mode == "garbage":
            return httpx.Response(200, text="<html>oops</html>")
        if request.url.path == "/stock/MISSING-1":
            return httpx.Response(404, json={"error": "unknown sku"})
        return httpx.Response(200, json={"sku": request.url.path.rsplit("/", 1)[1], "available": 12})


@pytest.fixture()
def inventory():
    return Inventory()


@pytest.fixture()
def client(inventory, clock):
    http = httpx.Client(base_url="http://inventory.test", transport=httpx.MockTransport(inventory))
    breaker = CircuitBreaker("inventory", failure_threshold=2, reset_timeout=5.0, clock=clock)
    yield InventoryClient(http, breaker), breaker
    http.close()


def test_client_returns_stock(client, inventory):
    inv, _ = client
    assert inv.get_stock("SKU-1") == 12
    assert inventory.requests == ["/stock/SKU-1"]


def test_client_unknown_sku_does_not_trip(client, inventory):
    inv, breaker = client
    for _ in range(5):
        with pytest.raises(SkuNotFound):
            inv.get_stock("MISSING-1")
    assert breaker.state is CircuitState.CLOSED
    assert len(inventory.requests) == 5


def test_client_outage_opens_circuit_and_fails_fast(client, inventory, clock):
    inv, breaker = client
    inventory.mode = "down"
    for _ in range(2):
        with pytest.raises(InventoryUnavailable):
            inv.get_stock("SKU-1")
    assert breaker.state is CircuitState.OPEN
    with pytest.raises(InventoryUnavailable) as info:
        inv.get_stock("SKU-1")
    assert isinstance(info.value.__cause__, CircuitOpenError)
    assert len(inventory.requests) == 2
    inventory.mode = "ok"
    clock.now += 5
    assert inv.get_stock("SKU-1") == 12
    assert breaker.state is CircuitState.CLOSED


def test_client_transport_error_is_typed_with_cause(client, inventory):
    inv, _ = client
    inventory.mode = "connect-error"
    with pytest.raises(InventoryUnavailable) as info:
        inv.get_stock("SKU-1")
    assert isinstance(info.value.__cause__, httpx.ConnectError)


def test_client_malformed_body_counts_as_failure(client, inventory):
    inv, breaker = client
    inventory.mode = "garbage"
    for _ in range(2):
        with pytest.raises(InventoryUnavailable):
            inv.get_stock("SKU-1")
    assert breaker.state is CircuitState.OPEN


@pytest.mark.parametrize(
    "sku",
    ["", "sku-1", "../admin", "A" * 33, "SKU 1", "SKU-1?x=1", "-SKU"],
    ids=["empty", "lowercase", "path-traversal", "too-long", "space", "query", "leading-dash"],
)
def test_client_rejects_bad_sku_without_calling(client, inventory, sku):
    inv, _ = client
    with pytest.raises(InvalidSku):
        inv.get_stock(sku)
    assert inventory.requests == []
