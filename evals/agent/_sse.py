"""Rebuild an Anthropic message from its server-sent events (what the proxy records)."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["message_from_sse"]


def _events(raw: bytes) -> list[dict[str, Any]]:
    out = []
    for chunk in raw.replace(b"\r\n", b"\n").split(b"\n\n"):
        data = [line[5:].strip() for line in chunk.split(b"\n") if line.startswith(b"data:")]
        if not data:
            continue
        try:
            event = json.loads(b"\n".join(data))
        except ValueError:
            continue
        if isinstance(event, dict):
            out.append(event)
    return out


def message_from_sse(raw: bytes) -> dict[str, Any]:
    """The message the events in ``raw`` describe: content blocks, stop reason, usage.

    Usage merges ``message_start`` (input and cache tokens) with every ``message_delta``
    (output tokens, and cache counts where the API reports them late). An ``error``
    event becomes ``{"type": "error", "error": ...}``.
    """
    message: dict[str, Any] = {"content": [], "usage": {}, "stop_reason": None}
    partial: dict[int, str] = {}
    for event in _events(raw):
        kind = event.get("type")
        if kind == "message_start":
            start = event.get("message") or {}
            message.update({k: v for k, v in start.items() if k != "content"})
            message["usage"] = dict(start.get("usage") or {})
        elif kind == "content_block_start":
            block = dict(event.get("content_block") or {})
            index = int(event.get("index", len(message["content"])))
            while len(message["content"]) <= index:
                message["content"].append({})
            message["content"][index] = block
        elif kind == "content_block_delta":
            index = int(event.get("index", 0))
            delta = event.get("delta") or {}
            if index >= len(message["content"]):
                continue
            block = message["content"][index]
            if delta.get("type") == "text_delta":
                block["text"] = block.get("text", "") + str(delta.get("text", ""))
            elif delta.get("type") == "input_json_delta":
                partial[index] = partial.get(index, "") + str(delta.get("partial_json", ""))
            elif delta.get("type") == "thinking_delta":
                block["thinking"] = block.get("thinking", "") + str(delta.get("thinking", ""))
        elif kind == "message_delta":
            delta = event.get("delta") or {}
            if "stop_reason" in delta:
                message["stop_reason"] = delta["stop_reason"]
            for key, value in (event.get("usage") or {}).items():
                if isinstance(value, int):
                    message["usage"][key] = value
        elif kind == "error":
            return {"type": "error", "error": event.get("error")}
    for index, text in partial.items():
        try:
            message["content"][index]["input"] = json.loads(text) if text else {}
        except ValueError:
            message["content"][index]["input"] = {"_unparsed": text[:2000]}
    return message
