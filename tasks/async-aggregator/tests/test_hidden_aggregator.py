import asyncio
import json
import time

import httpx
import pytest

from aggregator import (
    AggregateResult,
    Aggregator,
    AggregatorError,
    ConfigurationError,
    ServiceError,
    build_services,
)


def fake(payload, delay=0.0, error=None):
    calls = []

    async def fetch(user_id):
        calls.append(user_id)
        await asyncio.sleep(delay)
        if error is not None:
            raise error
        return {**payload, "user_id": user_id}

    fetch.calls = calls
    return fetch


def run_timed(coro):
    started = time.perf_counter()
    result = asyncio.run(coro)
    return result, time.perf_counter() - started


def test_services_are_called_concurrently():
    services = {name: fake({"svc": name}, delay=0.2) for name in ("profile", "billing", "orders")}
    result, elapsed = run_timed(Aggregator(services).aggregate("u-1"))
    assert isinstance(result, AggregateResult)
    assert result.complete
    assert result.data["billing"] == {"svc": "billing", "user_id": "u-1"}
    assert set(result.data) == {"profile", "billing", "orders"}
    assert elapsed < 0.3


def test_timeout_is_reported_and_does_not_delay_others():
    services = {
        "profile": fake({"name": "Ada"}, delay=0.05),
        "billing": fake({"plan": "pro"}, delay=5.0),
        "orders": fake({"count": 3}, delay=0.05),
    }
    result, elapsed = run_timed(Aggregator(services, timeout_seconds=0.15).aggregate("u-2"))
    assert elapsed < 0.4
    assert not result.complete
    assert set(result.data) == {"profile", "orders"}
    failure = result.failures["billing"]
    assert failure.kind == "timeout"
    assert failure.service == "billing"


def test_per_service_timeout_override():
    services = {"profile": fake({}, delay=0.02), "reports": fake({"ok": True}, delay=0.2)}
    agg = Aggregator(services, timeout_seconds=0.1, timeouts={"reports": 0.5})
    result, elapsed = run_timed(agg.aggregate("u-3"))
    assert result.complete
    assert elapsed < 0.35


def test_service_error_is_reported_as_partial_failure():
    services = {
        "profile": fake({"name": "Ada"}),
        "billing": fake({}, error=ServiceError("billing", "HTTP 503")),
    }
    result = asyncio.run(Aggregator(services).aggregate("u-4"))
    assert result.data == {"profile": {"name": "Ada", "user_id": "u-4"}}
    failure = result.failures["billing"]
    assert failure.kind == "error"
    assert "503" in failure.message


def test_unexpected_exception_propagates_and_cancels_others():
    finished = []

    async def slow(user_id):
        await asyncio.sleep(1.0)
        finished.append(user_id)
        return {}

    services = {"buggy": fake({}, delay=0.01, error=KeyError("plan")), "slow": slow}

    async def main():
        with pytest.raises(KeyError):
            await Aggregator(services, timeout_seconds=2.0).aggregate("u-5")
        await asyncio.sleep(0)

    _, elapsed = run_timed(main())
    assert elapsed < 0.5
    assert finished == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout_seconds": 0},
        {"timeout_seconds": -1},
        {"timeouts": {"profile": 0}},
        {"timeouts": {"unknown": 1.0}},
    ],
    ids=["zero", "negative", "zero-override", "unknown-service"],
)
def test_invalid_configuration_is_rejected(kwargs):
    with pytest.raises(ValueError):
        Aggregator({"profile": fake({})}, **kwargs)


def test_empty_services_rejected():
    with pytest.raises(ValueError):
        Aggregator({})


def partner_transport(seen, status=200, delay=0.0):
    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        await asyncio.sleep(delay)
        if status != 200:
            return httpx.Response(status, json={"error": "down"})
        return httpx.Response(200, json={"path": request.url.path})

    return httpx.MockTransport(handler)


def test_build_services_uses_token_from_environment(monkeypatch):
    monkeypatch.setenv("PARTNER_API_TOKEN", "env-token-7f3a")
    seen = []

    async def main():
        transport = partner_transport(seen, delay=0.15)
        async with httpx.AsyncClient(base_url="https://partner.test", transport=transport) as c:
            return await Aggregator(build_services(c)).aggregate("u 6&x=1")

    result, elapsed = run_timed(main())
    assert result.complete
    assert set(result.data) == {"profile", "billing", "orders"}
    assert result.data["orders"] == {"path": "/orders"}
    assert elapsed < 0.3
    assert len(seen) == 3
    for request in seen:
        assert request.headers["authorization"] == "Bearer env-token-7f3a"
        assert request.url.params["user_id"] == "u 6&x=1"


def test_missing_token_is_a_configuration_error(monkeypatch):
    monkeypatch.delenv("PARTNER_API_TOKEN", raising=False)

    async def main():
        async with httpx.AsyncClient(transport=partner_transport([])) as c:
            build_services(c)

    with pytest.raises(ConfigurationError) as info:
        asyncio.run(main())
    assert isinstance(info.value, AggregatorError)


def test_http_failures_become_service_errors(monkeypatch):
    monkeypatch.setenv("PARTNER_API_TOKEN", "env-token-7f3a")

    def broken(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/billing":
            return httpx.Response(502, json={"error": "bad gateway"})
        if request.url.path == "/orders":
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, content=b"<html>not json</html>")

    async def main():
        transport = httpx.MockTransport(broken)
        async with httpx.AsyncClient(base_url="https://partner.test", transport=transport) as c:
            return await Aggregator(build_services(c)).aggregate("u-7")

    result = asyncio.run(main())
    assert result.data == {}
    assert {f.kind for f in result.failures.values()} == {"error"}
    assert "502" in result.failures["billing"].message
    assert set(result.failures) == {"profile", "billing", "orders"}
    assert all("env-token-7f3a" not in f.message for f in result.failures.values())
    assert json.dumps([f.message for f in result.failures.values()])
