"""The fake API's behaviour: Anthropic messages, token counting, batches, and OpenAI chat
completions, with a simulated prompt cache. :mod:`.fake_server` puts it on a socket."""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FakeApi", "Reply"]

_ids = itertools.count(1)


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, obj: Any, **headers: str) -> Reply:
        return cls(
            status, json.dumps(obj).encode(), {"content-type": "application/json", **headers}
        )


def _error(status: int, kind: str, message: str, **headers: str) -> Reply:
    return Reply.json(
        status, {"type": "error", "error": {"type": kind, "message": message}}, **headers
    )


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
    return ""


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


@dataclass
class _Batch:
    id: str
    requests: list[dict[str, Any]]
    polls: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)


class FakeApi:
    """Deterministic answers; ``min_cache_tokens`` gates the simulated prompt cache."""

    def __init__(
        self, base_url: str, *, min_cache_tokens: int = 1024, batch_polls: int = 1
    ) -> None:
        self.base_url = base_url
        self.min_cache_tokens = min_cache_tokens
        #: Retrieves a batch answers ``in_progress`` before it ends.
        self.batch_polls = batch_polls
        #: custom_id -> "errored" | "expired" | "canceled" for batch entries.
        self.batch_outcomes: dict[str, str] = {}
        self.batches: dict[str, _Batch] = {}
        self._cached_prefixes: set[str] = set()

    # -- Anthropic ------------------------------------------------------------------------

    def _usage(self, body: dict[str, Any]) -> dict[str, int]:
        system = body.get("system") or ""
        blocks = system if isinstance(system, list) else [{"type": "text", "text": system}]
        sys_text = _text(blocks)
        marked = any(isinstance(b, dict) and b.get("cache_control") for b in blocks)
        msg_tokens = sum(_tokens(_text(m.get("content"))) for m in body.get("messages", []))
        sys_tokens = _tokens(sys_text) if sys_text else 0
        usage = {
            "input_tokens": msg_tokens + sys_tokens,
            "output_tokens": 0,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        }
        if marked and sys_tokens >= self.min_cache_tokens:
            digest = hashlib.sha256(f"{body.get('model')}\0{sys_text}".encode()).hexdigest()
            usage["input_tokens"] = msg_tokens
            if digest in self._cached_prefixes:
                usage["cache_read_input_tokens"] = sys_tokens
            else:
                self._cached_prefixes.add(digest)
                usage["cache_creation_input_tokens"] = sys_tokens
        return usage

    def message(self, body: dict[str, Any]) -> dict[str, Any]:
        messages = body.get("messages") or []
        last = _text(messages[-1].get("content")) if messages else ""
        text = f"reply to: {last[:200]}"
        usage = self._usage(body)
        usage["output_tokens"] = min(int(body.get("max_tokens", 1)), _tokens(text))
        content: list[dict[str, Any]] = [{"type": "text", "text": text}]
        stop = "end_turn"
        choice = body.get("tool_choice") or {}
        if body.get("tools") and choice.get("type") in ("tool", "any"):
            name = choice.get("name") or body["tools"][0]["name"]
            content.append(
                {
                    "type": "tool_use",
                    "id": f"toolu_{next(_ids)}",
                    "name": name,
                    "input": {"verdict": "pass", "echo": last[:40]},
                }
            )
            stop = "tool_use"
        return {
            "id": f"msg_{next(_ids):06d}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model"),
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": usage,
        }

    def messages(self, body: dict[str, Any]) -> Reply:
        if not isinstance(body.get("messages"), list) or "max_tokens" not in body:
            return _error(400, "invalid_request_error", "messages and max_tokens are required")
        return Reply.json(
            200,
            self.message(body),
            **{
                "anthropic-ratelimit-requests-limit": "4000",
                "anthropic-ratelimit-requests-remaining": "3999",
                "request-id": f"req_{next(_ids)}",
            },
        )

    def count_tokens(self, body: dict[str, Any]) -> Reply:
        usage = self._usage({**body, "system": _text(body.get("system") or "")})
        return Reply.json(200, {"input_tokens": usage["input_tokens"]})

    # -- batches --------------------------------------------------------------------------

    def _batch_obj(self, batch: _Batch, ended: bool) -> dict[str, Any]:
        kinds = [r["result"]["type"] for r in batch.results] if ended else []
        n = len(batch.requests)
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": {
                "processing": 0 if ended else n,
                "succeeded": kinds.count("succeeded"),
                "errored": kinds.count("errored"),
                "canceled": kinds.count("canceled"),
                "expired": kinds.count("expired"),
            },
            "created_at": "2025-11-24T00:00:00Z",
            "expires_at": "2025-11-25T00:00:00Z",
            "ended_at": "2025-11-24T00:05:00Z" if ended else None,
            "results_url": f"{self.base_url}/v1/messages/batches/{batch.id}/results"
            if ended
            else None,
        }

    def create_batch(self, body: dict[str, Any]) -> Reply:
        requests = body.get("requests")
        if not isinstance(requests, list) or not requests:
            return _error(400, "invalid_request_error", "requests must be a non-empty list")
        batch = _Batch(id=f"msgbatch_{next(_ids):06d}", requests=requests)
        self.batches[batch.id] = batch
        return Reply.json(200, self._batch_obj(batch, ended=False))

    def retrieve_batch(self, batch_id: str) -> Reply:
        batch = self.batches.get(batch_id)
        if batch is None:
            return _error(404, "not_found_error", f"no batch {batch_id}")
        batch.polls += 1
        ended = batch.polls > self.batch_polls
        if ended and not batch.results:
            for req in batch.requests:
                outcome = self.batch_outcomes.get(req["custom_id"], "succeeded")
                result: dict[str, Any] = {"type": outcome}
                if outcome == "succeeded":
                    result["message"] = self.message(req["params"])
                elif outcome == "errored":
                    result["error"] = {
                        "type": "error",
                        "error": {"type": "api_error", "message": "internal error in batch entry"},
                    }
                batch.results.append({"custom_id": req["custom_id"], "result": result})
        return Reply.json(200, self._batch_obj(batch, ended))

    def batch_results(self, batch_id: str) -> Reply:
        batch = self.batches.get(batch_id)
        if batch is None or not batch.results:
            return _error(404, "not_found_error", f"batch {batch_id} has no results yet")
        lines = "".join(json.dumps(r) + "\n" for r in batch.results)
        return Reply(200, lines.encode(), {"content-type": "application/binary"})

    # -- OpenAI ---------------------------------------------------------------------------

    def chat(self, body: dict[str, Any]) -> Reply:
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return Reply.json(
                400, {"error": {"message": "messages is required", "type": "invalid_request_error"}}
            )
        last = _text(messages[-1].get("content"))
        text = f"reply to: {last[:200]}"
        prompt = sum(_tokens(_text(m.get("content"))) for m in messages)
        message: dict[str, Any] = {"role": "assistant", "content": text}
        finish = "stop"
        if body.get("tools") and body.get("tool_choice") not in (None, "auto", "none"):
            fn = body["tools"][0]["function"]["name"]
            message["tool_calls"] = [
                {
                    "id": f"call_{next(_ids)}",
                    "type": "function",
                    "function": {"name": fn, "arguments": json.dumps({"verdict": "pass"})},
                }
            ]
            finish = "tool_calls"
        return Reply.json(
            200,
            {
                "id": f"chatcmpl-{next(_ids)}",
                "object": "chat.completion",
                "created": 1732400000,
                "model": body.get("model"),
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": _tokens(text),
                    "total_tokens": prompt + _tokens(text),
                    "prompt_tokens_details": {"cached_tokens": 0},
                },
            },
        )
