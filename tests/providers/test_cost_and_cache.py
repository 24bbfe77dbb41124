"""Price table, cost, dry-run estimates, the cache store and the adaptive limiter."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from evals.errors import ConfigError
from evals.providers import ProviderRequest, ProviderResponse, get_provider
from evals.providers._ratelimit import AdaptiveLimiter
from evals.providers.anthropic import create
from evals.providers.cache import ResponseCache, cache_key, wrap_with_cache
from evals.providers.cost import cost_usd, estimate_requests, estimate_tokens
from evals.schema import Usage

USAGE = Usage(
    input_tokens=1_000_000,
    output_tokens=1_000_000,
    cache_creation_input_tokens=1_000_000,
    cache_read_input_tokens=1_000_000,
)


def test_cost_uses_every_price_and_halves_for_batches() -> None:
    # haiku-4-5: 1 in + 5 out + 1.25 write + 0.10 read per MTok
    assert cost_usd("anthropic/claude-haiku-4-5-20251001", USAGE) == pytest.approx(7.35)
    assert cost_usd("claude-haiku-4-5", USAGE, batch=True) == pytest.approx(3.675)
    assert cost_usd("oracle/gold", USAGE) == 0.0


def test_unknown_model_costs_zero_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert cost_usd("some-new-model-xyz", USAGE) == 0.0
        assert cost_usd("some-new-model-xyz", USAGE) == 0.0
    assert len([r for r in caplog.records if "some-new-model-xyz" in r.message]) == 1


def test_user_price_file_overrides_model_by_model(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    prices = tmp_path / "prices.yaml"
    prices.write_text("version: local-1\nmodels:\n  my-llama: {input: 1, output: 2}\n")
    monkeypatch.setenv("PERSONA_EVALS_PRICES", str(prices))
    assert cost_usd("openai/my-llama", Usage(input_tokens=10**6, output_tokens=10**6)) == 3.0
    assert cost_usd("claude-haiku-4-5", Usage(input_tokens=10**6)) == 1.0  # shipped kept
    prices.write_text("models:\n  bad: {input: -1, output: 2}\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n  bad: {input: -1, output: 2}\n")
    monkeypatch.setenv("PERSONA_EVALS_PRICES", str(bad))
    with pytest.raises(ConfigError, match=r"bad.yaml: models.bad.input"):
        cost_usd("bad", USAGE)


def _req(i: int = 0, **kw: Any) -> ProviderRequest:
    return ProviderRequest(
        model="anthropic/claude-haiku-4-5",
        system="S" * 4000,
        messages=({"role": "user", "content": "x" * 400},),
        max_tokens=1000,
        sample_id=f"s{i}",
        **kw,
    )


def test_estimate_uses_count_tokens_online_and_local_offline(fake_server: Any) -> None:
    online = create("claude-haiku-4-5", base_url=fake_server.url, api_key="k")
    est = asyncio.run(estimate_requests(online, [_req(i) for i in range(3)]))
    assert est.method == "count_tokens" and est.requests == 3
    assert est.input_tokens == 3 * (1000 + 100)
    assert est.output_tokens == 3 * 250 and est.max_output_tokens == 3000
    assert est.usd == pytest.approx(3 * (1100 * 1 + 250 * 5) / 1e6)
    offline = create(
        "claude-haiku-4-5", base_url="http://127.0.0.1:9", api_key="k", max_retries=0, timeout=1
    )
    est = asyncio.run(estimate_requests(offline, [_req()]))
    assert est.method == "local" and est.input_tokens == estimate_tokens(_req()) == 1100


def test_estimate_counts_cache_hits_as_free(tmp_path: Path) -> None:
    provider = wrap_with_cache(get_provider("oracle/gold"), True, tmp_path)
    store = provider.store  # type: ignore[attr-defined]
    store.put(provider.key(_req()), ProviderResponse(text="t"), {})  # type: ignore[attr-defined]
    est = asyncio.run(estimate_requests(provider, [_req(), _req(epoch=1)]))
    assert est.cached == 1 and est.usd == 0.0


def test_cache_key_ignores_bookkeeping_but_not_content() -> None:
    base = cache_key("anthropic/m", _req(1))
    assert cache_key("anthropic/m", _req(2)) == base  # sample_id differs
    assert cache_key("anthropic/m", _req(1, epoch=1)) != base
    assert cache_key("anthropic/m", _req(1, temperature=1.0)) != base
    assert cache_key("openai/m@http://127.0.0.1:8000/v1", _req(1)) != base


def test_concurrent_writers_never_leave_a_torn_entry(tmp_path: Path) -> None:
    store = ResponseCache(tmp_path)
    key = "ab" + "0" * 62
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for _ in range(50):
                ResponseCache(tmp_path).put(key, ProviderResponse(text=str(n) * 5000), {})
                got = store.get(key)
                assert got is not None and len(set(got.text)) == 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [p.name for p in (tmp_path / "ab").iterdir()] == [f"{key}.json"]


def test_disabled_cache_returns_the_provider_unchanged() -> None:
    provider = get_provider("oracle/gold")
    assert wrap_with_cache(provider, False, None) is provider


def test_limiter_halves_under_sustained_429s_and_recovers() -> None:
    limiter = AdaptiveLimiter(16, burst=3, cooldown_s=0.0)
    limiter.observe(429, {})
    assert limiter.limit == 16  # one 429 is a blip
    limiter.observe(429, {})
    limiter.observe(429, {})
    assert limiter.limit == 8 and limiter.decreases == 1
    for _ in range(8):
        limiter.observe(200, {})
    assert limiter.limit == 9
    limiter.in_flight = 5
    limiter.observe(200, {"anthropic-ratelimit-requests-remaining": "2"})
    assert limiter.limit == 2


def test_limiter_bounds_concurrency() -> None:
    limiter = AdaptiveLimiter(3)
    peak = 0

    async def one() -> None:
        nonlocal peak
        async with limiter:
            peak = max(peak, limiter.in_flight)
            await asyncio.sleep(0.01)

    async def go() -> None:
        await asyncio.gather(*(one() for _ in range(20)))

    asyncio.run(go())
    assert peak == 3 and limiter.in_flight == 0


def test_limiter_admits_in_order_and_a_cancelled_waiter_gives_nothing_away() -> None:
    limiter = AdaptiveLimiter(1, one_sender=False)
    order: list[int] = []

    async def one(i: int) -> None:
        async with limiter:
            order.append(i)
            await asyncio.sleep(0.005)

    async def go() -> None:
        tasks = [asyncio.create_task(one(i)) for i in range(5)]
        await asyncio.sleep(0)
        tasks[2].cancel()  # cancelled while queued for a slot
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(go())
    assert order == [0, 1, 3, 4] and limiter.in_flight == 0


def test_limiter_lets_one_admitted_request_build_at_a_time() -> None:
    limiter = AdaptiveLimiter(4)
    events: list[str] = []

    async def one(i: int, sends: bool) -> None:
        async with limiter:
            events.append(f"in{i}")
            await asyncio.sleep(0.005)  # building its request (awaits included)
            if sends:
                limiter.sending()  # the request hook: the next one may build now
            events.append(f"sent{i}")
            await asyncio.sleep(0.005)  # awaiting the response: others go on

    async def go() -> None:
        # The second ends without sending (an error before the request hook).
        await asyncio.gather(one(0, True), one(1, False), one(2, True))

    asyncio.run(go())
    assert events[:4] == ["in0", "sent0", "in1", "sent1"]
    assert events.index("in2") > events.index("sent1")
    assert limiter.in_flight == 0 and limiter._sender is None
