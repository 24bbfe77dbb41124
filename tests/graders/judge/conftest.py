"""Judge tests: the real anthropic SDK over ``httpx2.MockTransport``, and the fake server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

httpx2 = pytest.importorskip("httpx2")

from evals.providers.anthropic import create  # noqa: E402

HERE = Path(__file__).parent


def tool_reply(verdicts: list[dict[str, Any]] | None, *, text: str = "") -> dict[str, Any]:
    """A Messages API body whose tool_use block carries ``verdicts`` (None: text only)."""
    content: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    if verdicts is not None:
        content.append(
            {
                "type": "tool_use",
                "id": "toolu_t",
                "name": "record_verdicts",
                "input": {"verdicts": verdicts},
            }
        )
    return {
        "id": "msg_t",
        "type": "message",
        "role": "assistant",
        "model": "claude-haiku-4-5",
        "content": content,
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 1000,
            "output_tokens": 100,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }


class Script:
    """A MockTransport handler replying with the given bodies in order (last one repeats)."""

    def __init__(self, *bodies: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]):
        self.bodies = list(bodies)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: Any) -> Any:
        body = json.loads(request.content)
        self.requests.append(body)
        reply = self.bodies.pop(0) if len(self.bodies) > 1 else self.bodies[0]
        if callable(reply):
            reply = reply(body)
        return httpx2.Response(200, json=reply)

    def provider(self, model: str = "claude-haiku-4-5") -> Any:
        client = httpx2.AsyncClient(transport=httpx2.MockTransport(self))
        return create(
            model, api_key="sk-ant-test", http_client=client, max_retries=0, malformed_delay_s=0
        )


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PERSONA_EVALS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PERSONA_EVALS_JUDGE_CALIBRATION", str(tmp_path / "calibration.json"))


@pytest.fixture()
def fake_server() -> Iterator[Any]:
    from evals.providers.fake_server import FakeServer

    with FakeServer(hang_s=0.2) as server:
        yield server
