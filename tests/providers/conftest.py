"""Shared fixtures: recorded API replies served through ``httpx2.MockTransport`` (the
HTTP library the installed anthropic and openai SDKs are built on), and the fake server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

httpx2 = pytest.importorskip("httpx2")

RECORDED = Path(__file__).with_name("recorded")


def recorded(name: str) -> Any:
    """An ``httpx2.Response`` built from ``recorded/<name>.json``."""
    data = json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))
    return httpx2.Response(data["status"], json=data["body"], headers=data["headers"])


class Recorder:
    """A MockTransport handler that replays responses in order and keeps the requests."""

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.requests: list[Any] = []

    def __call__(self, request: Any) -> Any:
        self.requests.append(request)
        name = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if name == "!malformed":  # a proxy's error page with a JSON content type
            return httpx2.Response(
                200,
                content=b"<html>502 bad gateway</html>",
                headers={"content-type": "application/json"},
            )
        return recorded(name)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    def client(self) -> Any:
        return httpx2.AsyncClient(transport=httpx2.MockTransport(self))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in (
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "PERSONA_EVALS_PRICES",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PERSONA_EVALS_CACHE_DIR", str(tmp_path / "response-cache"))


@pytest.fixture()
def recorder() -> Callable[..., Recorder]:
    return Recorder


@pytest.fixture()
def fake_server() -> Iterator[Any]:
    from evals.providers.fake_server import FakeServer

    with FakeServer(hang_s=0.5) as server:
        yield server
