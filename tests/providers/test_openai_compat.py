"""The real openai SDK (also on httpx2) through MockTransport and the fake server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from evals.errors import AuthenticationError, MissingCredentialsError
from evals.providers import ProviderRequest
from evals.providers.openai_compat import create


def _req(**kw: Any) -> ProviderRequest:
    return ProviderRequest(
        model="openai/gpt-4.1-mini",
        system="persona",
        messages=({"role": "user", "content": "hi"},),
        max_tokens=64,
        **kw,
    )


def test_chat_completion_usage_splits_cached_prompt_tokens(recorder: Any) -> None:
    rec = recorder("chat_completion")
    provider = create("gpt-4.1-mini", api_key="sk-test", http_client=rec.client())
    response = asyncio.run(provider.generate(_req()))
    body = rec.bodies()[0]
    assert body["messages"][0] == {"role": "system", "content": "persona"}
    assert str(rec.requests[0].url) == "https://api.openai.com/v1/chat/completions"
    assert rec.requests[0].headers["authorization"] == "Bearer sk-test"
    assert response.usage.input_tokens == 2300 - 1792
    assert response.usage.cache_read_input_tokens == 1792
    assert response.cost_usd == pytest.approx((508 * 0.4 + 1792 * 0.1 + 120 * 1.6) / 1e6)


def test_tools_are_translated_both_ways(recorder: Any) -> None:
    rec = recorder("chat_tool_call")
    provider = create("gpt-4.1-mini", api_key="k", http_client=rec.client())
    tools = ({"name": "record_verdict", "input_schema": {"type": "object"}},)
    response = asyncio.run(
        provider.generate(_req(tools=tools, tool_choice={"type": "tool", "name": "record_verdict"}))
    )
    body = rec.bodies()[0]
    assert body["tools"][0]["function"]["parameters"] == {"type": "object"}
    assert body["tool_choice"] == {"type": "function", "function": {"name": "record_verdict"}}
    assert response.tool_calls[0].input == {"verdict": "pass", "quote": "logger.info"}


def test_keys_remote_needs_one_local_does_not(
    fake_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(MissingCredentialsError, match="OPENAI_API_KEY"):
        create("gpt-4.1-mini")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_server.url + "/v1")
    provider = create("llama3.1:8b", max_retries=0)  # loopback: no key needed
    response = asyncio.run(provider.generate(_req()))
    assert response.text == "reply to: hi"
    assert fake_server.requests[-1].path == "/v1/chat/completions"


def test_401_is_an_authentication_error(recorder: Any) -> None:
    rec = recorder("error_401")
    provider = create("gpt-4.1-mini", api_key="bad", http_client=rec.client(), max_retries=3)
    with pytest.raises(AuthenticationError, match="OPENAI_API_KEY"):
        asyncio.run(provider.generate(_req()))
    assert len(rec.requests) == 1
