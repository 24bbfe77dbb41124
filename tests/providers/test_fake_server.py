"""The real SDKs against the fake API on 127.0.0.1: faults, batches, the response cache."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from evals.errors import AuthenticationError, ProviderError
from evals.providers import ProviderRequest
from evals.providers.anthropic import create
from evals.providers.cache import CachingProvider, ResponseCache
from evals.providers.fake_server import FakeServer

PERSONA = "Always write tests. Never concatenate SQL. " * 500  # ~5k tokens: cacheable


def _req(i: int, **kw: Any) -> ProviderRequest:
    base: dict[str, Any] = dict(
        model="anthropic/claude-haiku-4-5",
        system=PERSONA,
        messages=({"role": "user", "content": f"task {i}"},),
        max_tokens=256,
        sample_id=f"s{i:04d}",
    )
    base.update(kw)
    return ProviderRequest(**base)


def _provider(server: Any, **kw: Any) -> Any:
    options: dict[str, Any] = dict(
        base_url=server.url, api_key="test-key", timeout=0.3, max_retries=8, malformed_delay_s=0.01
    )
    options.update(kw)
    return create("claude-haiku-4-5", **options)


def test_thirty_percent_faults_lose_no_responses() -> None:
    with FakeServer(fault_rate=0.3, seed=7, hang_s=0.5, retry_after_s=0.02) as server:
        provider = _provider(server, max_connections=16)

        async def go() -> list[Any]:
            try:
                return await asyncio.gather(*(provider.generate(_req(i)) for i in range(100)))
            finally:
                await provider.aclose()

        responses = asyncio.run(go())
        faults = [r.fault for r in server.requests if r.fault]
    assert [r.text for r in responses] == [f"reply to: task {i}" for i in range(100)]
    assert len(faults) >= 25  # the faults really happened
    assert set(faults) == {"429", "529", "500", "timeout", "malformed"}


def test_prompt_cache_is_written_once_then_read(fake_server: Any) -> None:
    provider = _provider(fake_server)

    async def go() -> list[Any]:
        try:
            return [await provider.generate(_req(i)) for i in range(3)]
        finally:
            await provider.aclose()

    first, *rest = asyncio.run(go())
    assert first.usage.cache_creation_input_tokens > 4000
    assert all(
        r.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens for r in rest
    )
    sent = [r.body for r in fake_server.requests]
    assert all(b["system"][0]["cache_control"] == {"type": "ephemeral"} for b in sent)


def test_wrong_key_stops_with_authentication_error() -> None:
    with FakeServer(api_key="right") as server:
        provider = _provider(server, api_key="wrong")
        with pytest.raises(AuthenticationError, match="ANTHROPIC_API_KEY"):
            asyncio.run(provider.generate(_req(0)))
        assert server.count() == 1


def test_cache_hit_makes_no_request_and_epochs_are_distinct_keys(
    fake_server: Any, tmp_path: Path
) -> None:
    store = ResponseCache(tmp_path / "cache")

    async def go() -> list[Any]:
        provider = CachingProvider(_provider(fake_server), store)
        try:
            first = await provider.generate(_req(0, sample_id="a"))
            again = await provider.generate(_req(0, sample_id="b"))  # not part of the key
            epoch1 = await provider.generate(_req(0, epoch=1))
            return [first, again, epoch1]
        finally:
            await provider.aclose()

    first, again, epoch1 = asyncio.run(go())
    assert fake_server.count("/v1/messages") == 2  # epoch 0 once, epoch 1 once
    assert not first.cached and first.cost_usd > 0
    assert again.cached and again.cost_usd == 0 and again.text == first.text
    assert not epoch1.cached

    async def rerun() -> Any:  # a new process/run reads the same store from disk
        provider = CachingProvider(_provider(fake_server), ResponseCache(tmp_path / "cache"))
        try:
            return await provider.generate(_req(0))
        finally:
            await provider.aclose()

    before = fake_server.count()
    assert asyncio.run(rerun()).cached
    assert fake_server.count() == before
    entry = next((tmp_path / "cache").rglob("*.json"))
    assert json.loads(entry.read_text())["response"]["cost_usd"] > 0  # original cost kept


def _batch_provider(server: Any, state_dir: Path, **kw: Any) -> Any:
    return _provider(
        server,
        batch=True,
        state_dir=state_dir,
        batch_window_s=0.02,
        batch_poll_s=0.02,
        batch_progress=lambda line: None,
        **kw,
    )


def test_batch_crash_then_resume_polls_without_resubmitting(tmp_path: Path) -> None:
    with FakeServer(batch_polls=1000) as server:  # the batch stays in progress

        async def crash() -> None:
            provider = _batch_provider(server, tmp_path)
            tasks = [asyncio.create_task(provider.generate(_req(i))) for i in range(5)]
            while server.count("/v1/messages/batches") == 0:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)  # polling has started
            for task in tasks:  # the process dies: no results, no cleanup
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            provider.queue.close()

        asyncio.run(crash())
        state = json.loads((tmp_path / "batches.json").read_text())
        assert len(state["batches"]) == 1
        assert state["batches"][0]["custom_ids"] == [f"s{i:04d}" for i in range(5)]
        server.api.batch_polls = 1  # the batch finishes while we are down

        async def resume() -> list[Any]:
            provider = _batch_provider(server, tmp_path)
            try:
                return await asyncio.gather(*(provider.generate(_req(i)) for i in range(5)))
            finally:
                await provider.aclose()

        responses = asyncio.run(resume())
        assert server.count("/v1/messages/batches") == 1  # not resubmitted
    assert [r.text for r in responses] == [f"reply to: task {i}" for i in range(5)]
    half = responses[0].cost_usd
    assert half > 0


def test_batch_errored_entries_are_retryable_and_resubmitted(tmp_path: Path) -> None:
    with FakeServer() as server:
        server.api.batch_outcomes = {"s0001": "errored", "s0002": "expired"}

        async def run() -> list[Any]:
            provider = _batch_provider(server, tmp_path)
            try:
                return await asyncio.gather(
                    *(provider.generate(_req(i)) for i in range(3)), return_exceptions=True
                )
            finally:
                await provider.aclose()

        ok, errored, expired = asyncio.run(run())
        assert ok.text == "reply to: task 0"
        assert isinstance(errored, ProviderError) and "errored" in str(errored)
        assert isinstance(expired, ProviderError) and "expired" in str(expired)
        server.api.batch_outcomes = {}
        again = asyncio.run(run())  # the resume: only the failed two are resubmitted
        assert all(not isinstance(r, BaseException) for r in again)
        batches = list(server.api.batches.values())
        assert [len(b.requests) for b in batches] == [3, 2]


def test_batch_is_priced_at_half(fake_server: Any, tmp_path: Path) -> None:
    async def both() -> tuple[Any, Any]:
        direct = _provider(fake_server, cache_system=False)
        batched = _batch_provider(fake_server, tmp_path, cache_system=False)
        try:
            return await direct.generate(_req(1)), await batched.generate(_req(1))
        finally:
            await direct.aclose()
            await batched.aclose()

    direct, batched = asyncio.run(both())
    assert direct.usage == batched.usage
    assert batched.cost_usd == pytest.approx(direct.cost_usd / 2)
