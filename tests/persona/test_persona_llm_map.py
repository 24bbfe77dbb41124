"""The LLM mapper through the real SDKs: anthropic over ``httpx2.MockTransport``, the
OpenAI-compatible provider against a loopback HTTP server, both answering from the
recorded replies in ``tests/persona/recorded/llm-map`` (hand-written in each API's
response format: the API is unreachable here, so nothing below measures a model)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from evals.cli import app
from evals.errors import ProviderError
from evals.persona import load_persona
from evals.persona._llmmap import (
    PROMPT_VERSION,
    DecisionCache,
    LLMDecision,
    decision_key,
    map_with_llm,
)
from evals.persona._mapfile import unclaimed
from graders.behaviours import measures

httpx2 = pytest.importorskip("httpx2")
pytest.importorskip("anthropic")

from evals.providers.anthropic import create  # noqa: E402

HERE = Path(__file__).parent
RECORDED = HERE / "recorded" / "llm-map"
FIXTURE = HERE / "fixtures" / "api-developer.md"
UNMATCHED = {
    "always-read-the-existing-code-and-its-tests",
    "always-implement-the-endpoint-with-pydantic-request-models",
    "always-keep-functions-small-and-names-descriptive",
    "always-coordinate-with-the-frontend-team-on-payload-changes",
}


def _rule_ids(body: dict[str, Any]) -> list[str]:
    """The rule ids a request asks about, from its tool schema (either API's shape)."""
    tool = body["tools"][0]
    schema = tool.get("input_schema") or tool["function"]["parameters"]
    items = schema["properties"]["decisions"]["items"]
    return sorted(items["properties"]["rule_id"]["enum"])


class Recordings:
    """Serves the recorded reply whose ``match.rules`` are the rules asked; keeps requests."""

    def __init__(self, *names: str) -> None:
        self.replies = {}
        for name in names:
            data = json.loads((RECORDED / name).read_text(encoding="utf-8"))
            self.replies[",".join(data["match"]["rules"])] = data["body"]
        self.requests: list[dict[str, Any]] = []

    def reply(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append(body)
        found = self.replies.get(",".join(_rule_ids(body)))
        if found is None:
            return 404, {"type": "error", "error": {"type": "not_found_error", "message": "none"}}
        return 200, found

    def __call__(self, request: Any) -> Any:  # the httpx2.MockTransport handler
        status, body = self.reply(json.loads(request.content))
        return httpx2.Response(status, json=body)


def _anthropic(recordings: Recordings) -> Any:
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(recordings))
    return create("claude-haiku-4-5", api_key="test", http_client=client, max_retries=0)


def _map(recordings: Recordings, cache: DecisionCache, model: str = "anthropic/claude-haiku-4-5"):
    persona = load_persona(FIXTURE)
    rules = [r for r in unclaimed(persona) if r.id in UNMATCHED]

    async def go() -> list[LLMDecision]:
        provider = _anthropic(recordings)
        try:
            return await map_with_llm(rules, provider, model, measures(), cache=cache)
        finally:
            await provider.aclose()

    return asyncio.run(go())


def test_decisions_come_back_validated_and_are_cached(tmp_path: Path) -> None:
    recordings = Recordings("api-developer.anthropic.json")
    cache = DecisionCache(tmp_path / "cache")
    decisions = _map(recordings, cache)
    got = {d.rule_id: d.behaviours for d in decisions}
    assert got["always-implement-the-endpoint-with-pydantic-request-models"] == (
        "input-validation",
    )
    assert got["always-keep-functions-small-and-names-descriptive"] == ("readability",)
    assert got["always-coordinate-with-the-frontend-team-on-payload-changes"] == ("unmeasured",)
    assert not any(d.cached for d in decisions) and all(d.reason for d in decisions)
    (sent,) = recordings.requests
    assert sent["tool_choice"] == {"type": "tool", "name": "map_rules"}
    answers = sent["tools"][0]["input_schema"]["properties"]["decisions"]["items"]
    allowed = set(answers["properties"]["behaviours"]["items"]["enum"])
    assert {"sql-string-building", "readability", "judge", "unmeasured"} <= allowed
    assert "Coordinate with the frontend team" in sent["messages"][0]["content"]
    # Second run: every decision from the cache, no request.
    again = _map(recordings, cache)
    assert [d.behaviours for d in again] == [d.behaviours for d in decisions]
    assert all(d.cached for d in again) and len(recordings.requests) == 1
    # Another model is another key: it is asked again.
    _map(recordings, cache, model="anthropic/claude-sonnet-4-5")
    assert len(recordings.requests) == 2


def test_cache_key_names_text_polarity_model_and_prompt_version() -> None:
    rule = load_persona(FIXTURE).rules[0]
    key = decision_key(rule, "anthropic/a")
    assert key != decision_key(rule, "anthropic/b")
    import dataclasses

    assert key != decision_key(dataclasses.replace(rule, text=rule.text + "!"), "anthropic/a")
    assert key != decision_key(dataclasses.replace(rule, polarity="never"), "anthropic/a")
    assert PROMPT_VERSION  # part of the key material (bumping it re-asks)


def test_an_unknown_behaviour_id_is_rejected_naming_the_rule_and_nothing_is_cached(
    tmp_path: Path,
) -> None:
    cache = DecisionCache(tmp_path / "cache")
    with pytest.raises(ProviderError) as caught:
        _map(Recordings("unknown-behaviour.anthropic.json"), cache)
    message = str(caught.value)
    assert "always-implement-the-endpoint-with-pydantic-request-models" in message
    assert "unknown behaviour id 'pydantic-models'" in message and "\n" not in message
    assert not list((tmp_path / "cache").glob("*.json"))


class _Server:
    """An OpenAI-compatible chat completions endpoint on 127.0.0.1 serving ``recordings``."""

    def __init__(self, recordings: Recordings) -> None:
        outer = recordings

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                size = int(self.headers.get("content-length") or 0)
                status, body = outer.reply(json.loads(self.rfile.read(size)))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def persona_copy(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "api-developer.md"
    path.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    yield path


def _cli(*args: str, env: dict[str, str]) -> Any:
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def test_cli_writes_llm_entries_for_review_and_never_touches_a_human_entry(
    persona_copy: Path, tmp_path: Path
) -> None:
    sidecar = persona_copy.with_name("api-developer.rules.yaml")
    human = (
        "version: 1\nrules:\n"
        "  - match: Keep functions small and names descriptive.\n"
        "    name: Small functions\n"
        "  - match: Read the existing code and its tests\n"
        "    graders: [judge]\n"
    )
    sidecar.write_text(human, encoding="utf-8")
    recordings = Recordings("api-developer.openai.json")
    # The human entries claim two of the four unmatched rules: only the other two are
    # asked, so the recording (four rules) does not fit; a second one keyed by two would.
    two = sorted(
        UNMATCHED
        - {
            "always-keep-functions-small-and-names-descriptive",
            "always-read-the-existing-code-and-its-tests",
        }
    )
    body = json.loads(json.dumps(next(iter(recordings.replies.values()))))
    call = body["choices"][0]["message"]["tool_calls"][0]["function"]
    decisions = [d for d in json.loads(call["arguments"])["decisions"] if d["rule_id"] in two]
    call["arguments"] = json.dumps({"decisions": decisions})
    recordings.replies[",".join(two)] = body
    env = {
        "OPENAI_BASE_URL": "",
        "PERSONA_EVALS_MAP_CACHE_DIR": str(tmp_path / "cache"),
        "COLUMNS": "100",
    }
    with _Server(recordings) as server:
        env["OPENAI_BASE_URL"] = server.url
        result = _cli(
            "persona", "map", str(persona_copy), "--mapper", "llm", "--judge",
            "openai/gpt-4.1-mini", "--write", env=env,
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "llm mapper openai/gpt-4.1-mini: 2 rules (0 from the cache)" in result.stderr
    assert "1 rule(s) have a sidecar entry that sets no graders" in result.stderr
    (sent,) = recordings.requests
    assert _rule_ids(sent) == two
    text = sidecar.read_text(encoding="utf-8")
    assert text.startswith(human)  # the human entries are kept as written
    after = load_persona(persona_copy)
    by_id = {r.id: r for r in after.rules}
    pydantic = by_id["always-implement-the-endpoint-with-pydantic-request-models"]
    assert pydantic.mapping == "llm" and pydantic.behaviours == ("input-validation",)
    assert pydantic.graders == ("input_validation",)
    coordinate = by_id["always-coordinate-with-the-frontend-team-on-payload-changes"]
    assert coordinate.mapping == "llm" and coordinate.graders == ()
    assert by_id["always-read-the-existing-code-and-its-tests"].mapping == "sidecar"
    small = by_id["always-keep-functions-small-and-names-descriptive"]
    assert small.name == "Small functions" and small.mapping == "judge"  # the matcher's, kept
    assert "model: openai/gpt-4.1-mini" in text and f"prompt: {PROMPT_VERSION}" in text
    assert "reason: Pydantic request models validate" in text
    assert not [w for w in after.warnings if "claimed" in w or "ignored" in w]
    # The matcher's matched rules got their deterministic entries in the same write.
    assert by_id["always-every-request-body-validated-before-use"].mapping == "sidecar"


def test_cli_bad_answer_and_missing_credentials_are_one_line_errors(
    persona_copy: Path, tmp_path: Path
) -> None:
    env = {"PERSONA_EVALS_MAP_CACHE_DIR": str(tmp_path / "cache"), "ANTHROPIC_API_KEY": ""}
    result = _cli(
        "persona", "map", str(persona_copy), "--mapper", "llm", "--judge",
        "anthropic/claude-haiku-4-5", "--write", env=env,
    )  # fmt: skip
    assert result.exit_code != 0
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error:") and "ANTHROPIC_API_KEY" in line
    assert not persona_copy.with_name("api-developer.rules.yaml").exists()

    recordings = Recordings("api-developer.openai.json")
    body = next(iter(recordings.replies.values()))
    call = body["choices"][0]["message"]["tool_calls"][0]["function"]
    decisions = json.loads(call["arguments"])["decisions"]
    decisions[0]["behaviours"] = ["judge", "readability"]
    call["arguments"] = json.dumps({"decisions": decisions})
    with _Server(recordings) as server:
        env["OPENAI_BASE_URL"] = server.url
        result = _cli(
            "persona", "map", str(persona_copy), "--mapper", "llm", "--judge",
            "openai/gpt-4.1-mini", "--write", env=env,
        )  # fmt: skip
    assert result.exit_code != 0
    (line,) = result.stderr.strip().splitlines()
    assert "'judge'/'unmeasured' must be the only answer" in line
    assert not persona_copy.with_name("api-developer.rules.yaml").exists()

    result = _cli("persona", "map", str(persona_copy), "--mapper", "llm", env=env)
    assert result.exit_code != 0 and "--judge" in result.stderr
