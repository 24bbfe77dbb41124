"""The recording proxy against the scripted fake on 127.0.0.1: key swap, streaming
pass-through, token and dollar counting (cache tokens included), caps, refused paths."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx2
import pytest

from evals.agent._build import turns_and_tools
from evals.agent._sse import message_from_sse
from evals.agent.proxy import Caps, RecordingProxy
from evals.agent.scripted_server import ScriptedServer, load_script
from evals.providers.cost import cost_usd
from evals.schema import Usage

SESSIONS = Path(__file__).parent / "sessions"
TASKS = Path(__file__).resolve().parents[2] / "tasks"
TOOLS = [{"name": "Bash", "description": "run", "input_schema": {"type": "object"}}]


def _body(messages: list[dict[str, Any]], stream: bool = True) -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-5",
        "max_tokens": 100,
        "system": [{"type": "text", "text": "You are a test."}],
        "messages": messages,
        "tools": TOOLS,
        "stream": stream,
    }


async def _post(url: str, body: dict[str, Any], key: str = "dummy") -> httpx2.Response:
    async with httpx2.AsyncClient(base_url=url, timeout=10) as client:
        return await client.post("/v1/messages?beta=true", json=body, headers={"x-api-key": key})


def _conversation(turns: int) -> list[dict[str, Any]]:
    """A conversation after ``turns`` scripted assistant turns, with tool results."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": "go"}]
    for i in range(turns):
        messages.append(
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": f"t{i}", "name": "Bash", "input": {}}],
            }
        )
        messages.append(
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": f"t{i}", "content": f"out{i}"}],
            }
        )
    return messages


def test_streams_through_swaps_the_key_and_counts_cache_tokens() -> None:
    script = load_script(SESSIONS / "rest-crud-tdd.json", TASKS)

    async def go() -> tuple[RecordingProxy, httpx2.Response]:
        with ScriptedServer(script, api_key="real-secret") as server:
            proxy = await RecordingProxy(server.url, "real-secret", "claude-sonnet-4-5").start()
            try:
                response = await _post(proxy.url, _body(_conversation(1)))
            finally:
                await proxy.aclose()
            assert server.requests[-1].headers["x-api-key"] == "real-secret"
        return proxy, response

    proxy, response = asyncio.run(go())
    assert response.status_code == 200  # the fake returns 401 unless the real key arrived
    message = message_from_sse(response.content)
    text, call = message["content"]  # turn 2 of the script: one assistant message before it
    assert text["text"] == "Now the implementation."
    assert call["name"] == "Write" and "def " in call["input"]["content"]
    want = Usage(input_tokens=400, output_tokens=2600, cache_read_input_tokens=10500)
    assert proxy.usage == want
    assert proxy.cost_usd == pytest.approx(cost_usd("anthropic/claude-sonnet-4-5", want))
    assert proxy.cost_usd == pytest.approx((400 * 3 + 2600 * 15 + 10500 * 0.3) / 1e6)


def test_turn_cap_answers_400_and_calls_back_before_forwarding() -> None:
    script = load_script(SESSIONS / "rest-crud-tdd.json", TASKS)
    fired: list[str] = []

    async def go() -> tuple[list[int], int]:
        with ScriptedServer(script) as server:
            proxy = RecordingProxy(server.url, "k", "claude-sonnet-4-5", Caps(max_turns=2))
            proxy.on_cap = fired.append
            await proxy.start()
            try:
                codes = [
                    (await _post(proxy.url, _body(_conversation(i)))).status_code for i in range(3)
                ]
            finally:
                await proxy.aclose()
            return codes, server.count("/v1/messages")

    codes, upstream = asyncio.run(go())
    assert codes == [200, 200, 400]
    assert upstream == 2  # the capped request never reached the API
    assert fired == ["turns"]


def test_dollar_cap() -> None:
    script = load_script(SESSIONS / "rest-crud-tdd.json", TASKS)

    async def go() -> RecordingProxy:
        with ScriptedServer(script) as server:
            proxy = await RecordingProxy(
                server.url, "k", "claude-sonnet-4-5", Caps(max_usd=0.01)
            ).start()
            try:
                for i in range(3):
                    await _post(proxy.url, _body(_conversation(i)))
            finally:
                await proxy.aclose()
        return proxy

    proxy = asyncio.run(go())
    assert proxy.capped == "dollars"
    assert [e.status for e in proxy.exchanges] == [200, 400, 400]  # every later turn refused


def test_refuses_paths_outside_the_messages_api() -> None:
    script = load_script(SESSIONS / "rest-crud-tdd.json", TASKS)

    async def go() -> tuple[int, int]:
        with ScriptedServer(script) as server:
            proxy = await RecordingProxy(server.url, "k", "m").start()
            try:
                async with httpx2.AsyncClient(base_url=proxy.url) as client:
                    status = (await client.get("/v1/models")).status_code
            finally:
                await proxy.aclose()
            return status, server.count()

    status, upstream = asyncio.run(go())
    assert (status, upstream) == (404, 0)


def test_unix_socket_and_trajectory_pairs_tool_results(tmp_path: Path) -> None:
    script = load_script(SESSIONS / "rest-crud-tdd.json", TASKS)
    sock = tmp_path / "api.sock"

    async def go() -> RecordingProxy:
        with ScriptedServer(script) as server:
            proxy = await RecordingProxy(server.url, "k", "m", socket_path=sock).start()
            transport = httpx2.AsyncHTTPTransport(uds=str(sock))
            messages: list[dict[str, Any]] = [{"role": "user", "content": "go"}]
            try:
                async with httpx2.AsyncClient(transport=transport, base_url="http://x") as c:
                    for i in range(3):  # a client loop echoing the ids the model chose
                        reply = await c.post("/v1/messages", content=json.dumps(_body(messages)))
                        content = message_from_sse(reply.content)["content"]
                        messages.append({"role": "assistant", "content": content})
                        results = [
                            {"type": "tool_result", "tool_use_id": b["id"], "content": f"out{i}"}
                            for b in content
                            if b["type"] == "tool_use"
                        ]
                        messages.append({"role": "user", "content": results})
            finally:
                await proxy.aclose()
        return proxy

    proxy = asyncio.run(go())
    turns, tools = turns_and_tools(proxy.exchanges, persona_marker="", mode="main")
    assert [t.index for t in turns] == [0, 1, 2]
    assert [t.name for t in tools] == ["Write", "Write", "Bash"]
    # tool outputs come from the next request's tool_result blocks
    assert tools[0].output == "out0" and tools[1].output == "out1" and tools[2].output == ""
    assert len(tools[1].input["content"]) <= 4100  # trimmed with a note
    assert "trimmed" in tools[1].input["content"]


def test_sse_rebuild_merges_late_usage_and_errors() -> None:
    raw = (
        b'event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"x",'
        b'"usage":{"input_tokens":5,"cache_read_input_tokens":7}}}\n\n'
        b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
        b'"content_block":{"type":"text","text":""}}\n\n'
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
        b'"delta":{"type":"text_delta","text":"hi"}}\n\n'
        b'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},'
        b'"usage":{"output_tokens":3}}\n\n'
    )
    message = message_from_sse(raw)
    assert message["content"] == [{"type": "text", "text": "hi"}]
    assert message["usage"] == {"input_tokens": 5, "cache_read_input_tokens": 7, "output_tokens": 3}
    assert message["stop_reason"] == "end_turn"
    error = b'event: error\ndata: {"type":"error","error":{"type":"overloaded_error"}}\n\n'
    assert message_from_sse(error)["type"] == "error"


def test_parse_caps_maps_config_keys_and_rejects_bad_ones() -> None:
    from evals.agent.proxy import parse_caps
    from evals.errors import ConfigError

    assert parse_caps({"turns": 30, "usd": 2.5, "wall_s": 60, "tokens": 1e6}) == Caps(
        max_turns=30, max_usd=2.5, wall_s=60.0, max_tokens=1_000_000
    )
    with pytest.raises(ConfigError, match="unknown cap 'bogus'"):
        parse_caps({"bogus": 1})
    with pytest.raises(ConfigError, match="agent_caps.usd: usd must be positive"):
        parse_caps({"usd": 0})
