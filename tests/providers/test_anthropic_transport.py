"""The real anthropic SDK driven through httpx2.MockTransport with recorded replies."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest

from evals.errors import AuthenticationError, MissingCredentialsError, ProviderError
from evals.providers import ProviderRequest, get_provider
from evals.providers.anthropic import create
from evals.providers.cost import cost_usd

PERSONA = "You are a backend engineer who writes tests first. " * 400  # ~5k tokens


def _request(**kw: Any) -> ProviderRequest:
    base = dict(
        model="anthropic/claude-haiku-4-5",
        system=PERSONA,
        messages=({"role": "user", "content": "Build the endpoint."},),
        max_tokens=512,
    )
    base.update(kw)
    return ProviderRequest(**base)  # type: ignore[arg-type]


def _provider(rec: Any, **kw: Any) -> Any:
    return create(
        "claude-haiku-4-5",
        api_key="sk-ant-test",
        http_client=rec.client(),
        malformed_delay_s=0,
        **kw,
    )


def test_system_prompt_is_sent_cached_and_usage_records_cache_tokens(recorder: Any) -> None:
    rec = recorder("messages_cache_write", "messages_cache_read")

    async def go() -> list[Any]:
        provider = _provider(rec)
        try:
            return [await provider.generate(_request()), await provider.generate(_request())]
        finally:
            await provider.aclose()

    first, second = asyncio.run(go())
    for body in rec.bodies():
        assert body["system"] == [
            {"type": "text", "text": PERSONA, "cache_control": {"type": "ephemeral"}}
        ]
        assert body["model"] == "claude-haiku-4-5"
    assert first.usage.cache_creation_input_tokens == 1830
    assert first.usage.cache_read_input_tokens == 0
    assert second.usage.cache_read_input_tokens == 1830
    assert second.usage.cache_creation_input_tokens == 0
    # A cache read is billed at a tenth of input, a write at 1.25x: the second is cheaper.
    assert second.cost_usd < first.cost_usd
    # Priced as the model the API says answered (the recorded reply names a dated id).
    assert first.cost_usd == pytest.approx(cost_usd("claude-sonnet-4-5", first.usage))
    assert first.model == "claude-sonnet-4-5-20250929"  # as the recorded reply says
    assert first.raw_id == "msg_01XFDUDYJgAACzvnptvVoYEL"
    assert "file=app.py" in first.text


def test_429_with_retry_after_is_retried_by_the_sdk_and_seen_by_the_limiter(
    recorder: Any,
) -> None:
    rec = recorder("error_429", "messages_cache_read")
    provider = _provider(rec, max_retries=2)

    async def go() -> Any:
        try:
            return await provider.generate(_request())
        finally:
            await provider.aclose()

    response = asyncio.run(go())
    assert len(rec.requests) == 2
    assert response.usage.cache_read_input_tokens == 1830
    assert provider.limiter.throttled == 1


def test_auth_error_raises_at_once_without_retries(recorder: Any) -> None:
    rec = recorder("error_401")
    provider = _provider(rec, max_retries=5)
    with pytest.raises(AuthenticationError, match="ANTHROPIC_API_KEY"):
        asyncio.run(provider.generate(_request()))
    assert len(rec.requests) == 1


def test_exhausted_overload_is_a_retryable_provider_error(recorder: Any) -> None:
    rec = recorder("overloaded_529")
    provider = _provider(rec, max_retries=2)
    with pytest.raises(ProviderError) as err:
        asyncio.run(provider.generate(_request()))
    assert not isinstance(err.value, AuthenticationError)
    assert "529" in str(err.value) and "Overloaded" in str(err.value)
    assert len(rec.requests) == 3


def test_malformed_body_is_retried_then_succeeds(recorder: Any) -> None:
    rec = recorder("!malformed", "messages_cache_read")
    response = asyncio.run(_provider(rec).generate(_request()))
    assert len(rec.requests) == 2 and response.text


def test_malformed_bodies_are_retried_a_bounded_number_of_times(recorder: Any) -> None:
    rec = recorder("!malformed")
    with pytest.raises(ProviderError, match="JSONDecodeError"):
        asyncio.run(_provider(rec, max_retries=2).generate(_request()))
    assert len(rec.requests) == 3


def test_tool_use_becomes_tool_calls(recorder: Any) -> None:
    rec = recorder("messages_tool_use")
    provider = create("claude-haiku-4-5", api_key="k", http_client=rec.client())
    tools = (
        {
            "name": "record_verdict",
            "description": "d",
            "input_schema": {"type": "object", "properties": {}},
        },
    )
    response = asyncio.run(
        provider.generate(
            _request(
                tools=tools, tool_choice={"type": "tool", "name": "record_verdict"}, purpose="judge"
            )
        )
    )
    assert response.tool_calls[0].name == "record_verdict"
    assert response.tool_calls[0].input["verdict"] == "fail"
    body = rec.bodies()[0]
    assert body["tools"][0]["name"] == "record_verdict"
    assert body["tool_choice"] == {"type": "tool", "name": "record_verdict"}


def test_short_persona_warns_that_caching_does_nothing(recorder: Any) -> None:
    rec = recorder("messages_cache_read")
    provider = _provider(rec)
    asyncio.run(provider.generate(_request(system="Be terse.")))
    asyncio.run(provider.generate(_request(system="Be terse.")))
    assert len(provider.warnings) == 1
    assert "minimum cacheable length (4096)" in provider.warnings[0]


def test_count_tokens_uses_the_endpoint(recorder: Any) -> None:
    rec = recorder("count_tokens")
    provider = _provider(rec)
    assert asyncio.run(provider.count_tokens(_request())) == 2242
    assert rec.requests[0].url.path == "/v1/messages/count_tokens"
    assert "max_tokens" not in rec.bodies()[0]


def test_missing_key_names_the_variable() -> None:
    with pytest.raises(MissingCredentialsError, match="ANTHROPIC_API_KEY"):
        get_provider("anthropic/claude-haiku-4-5")


def test_missing_sdk_says_the_exact_pip_install(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import anthropic` raise ImportError.
    monkeypatch.setitem(sys.modules, "anthropic", None)
    with pytest.raises(ProviderError, match=r"pip install 'persona-evals\[anthropic\]'"):
        create("claude-haiku-4-5", api_key="k")


def test_sdk_import_settles_the_heap_once() -> None:
    import gc

    from evals.providers import _sdk

    _sdk.import_sdk("anthropic", "anthropic")
    frozen = gc.get_freeze_count()
    assert "anthropic" in _sdk._settled and frozen > 10_000  # the SDK's objects are frozen
    _sdk.import_sdk("anthropic", "anthropic")
    assert gc.get_freeze_count() == frozen  # not collected and frozen again


def test_to_response_reads_the_json_body_like_the_sdk_message() -> None:
    from evals.providers._anthropic_convert import MalformedResponse, to_response

    body = {
        "id": "msg_1",
        "model": "claude-haiku-4-5",
        "stop_reason": "tool_use",
        "content": [
            {"type": "text", "text": "Running it."},
            {"type": "tool_use", "id": "t1", "name": "run", "input": {"cmd": "pytest"}},
        ],
        "usage": {"input_tokens": 10, "output_tokens": 5, "cache_read_input_tokens": 1830},
    }
    response = to_response(body, "claude-haiku-4-5", 0.1)
    assert response.text == "Running it." and response.raw_id == "msg_1"
    assert response.tool_calls[0].name == "run" and response.tool_calls[0].input == {
        "cmd": "pytest"
    }
    assert response.usage.cache_read_input_tokens == 1830
    assert response.usage.cache_creation_input_tokens == 0
    assert response.cost_usd == cost_usd("claude-haiku-4-5", response.usage)
    for bad in ([], "x", {"content": "x"}, {"content": [], "usage": None}):
        with pytest.raises(MalformedResponse):
            to_response(bad, "claude-haiku-4-5", 0.1)
