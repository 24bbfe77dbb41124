"""Recorded judge replies, served to the real anthropic SDK through ``httpx2.MockTransport``.

A recording is ``{"match": {"rules": [...], "nonce": "..."}, "status": 200, "body":
<Messages API response>}``. A request matches by the rule ids in its ``record_verdicts``
tool schema and the nonce of its candidate block (a hash of the candidate files), so
recordings survive edits to the prompt wording but not to the labelled outputs. The
``model`` of the reply is set to the requested one. Unmatched requests get a 404 naming
the key, which the judge records as an ``error`` grade.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from evals.errors import ConfigError
from evals.providers import Provider

__all__ = ["RecordedReplies", "recorded_provider", "request_key"]

_NONCE = re.compile(r'<candidate_output nonce="([0-9a-f]{16})">')


def _key(rules: list[str], nonce: str) -> str:
    return ",".join(sorted(rules)) + "@" + nonce


def request_key(body: dict[str, Any]) -> str | None:
    """The match key of a Messages API request body, or None if it is not a judge call."""
    rules: list[str] = []
    for tool in body.get("tools") or ():
        items = tool.get("input_schema", {}).get("properties", {}).get("verdicts", {})
        enum = items.get("items", {}).get("properties", {}).get("rule_id", {}).get("enum")
        rules.extend(enum or ())
    messages = body.get("messages") or []
    content = messages[-1].get("content", "") if messages else ""
    if isinstance(content, list):
        content = "".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
    found = _NONCE.search(str(content))
    if not rules or found is None:
        return None
    return _key(rules, found.group(1))


class RecordedReplies:
    """A MockTransport handler over a directory of recordings; keeps the request bodies."""

    def __init__(self, directory: Path) -> None:
        if not directory.is_dir():
            raise ConfigError("recorded replies directory does not exist", path=directory)
        self.replies: dict[str, dict[str, Any]] = {}
        self.requests: list[dict[str, Any]] = []
        for path in sorted(directory.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                key = _key(list(data["match"]["rules"]), str(data["match"]["nonce"]))
            except (ValueError, KeyError, TypeError) as exc:
                raise ConfigError(f"not a recording ({exc})", path=path, field="match") from exc
            self.replies[key] = data
        if not self.replies:
            raise ConfigError("no *.json recordings", path=directory)

    def __call__(self, request: Any) -> Any:
        import httpx2

        body = json.loads(request.content or b"{}")
        self.requests.append(body)
        key = request_key(body)
        data = self.replies.get(key or "")
        if data is None:
            error = {"type": "not_found_error", "message": f"no recorded reply for {key}"}
            return httpx2.Response(404, json={"type": "error", "error": error})
        reply = dict(data["body"])
        reply["model"] = body.get("model", reply.get("model"))
        return httpx2.Response(int(data.get("status", 200)), json=reply)


def recorded_provider(directory: Path, model: str = "recorded-judge") -> Provider:
    """``anthropic/<model>`` answering from ``directory`` through the real SDK."""
    import httpx2

    from evals.providers.anthropic import create

    handler = RecordedReplies(directory)
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    provider = create(model, api_key="recorded", http_client=client, max_retries=0)
    provider.recorded = handler  # type: ignore[attr-defined]
    return provider
