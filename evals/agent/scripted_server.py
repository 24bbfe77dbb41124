"""A scripted fake model API on 127.0.0.1 that drives real agents offline.

The script is a recorded session: for each conversation (picked by a marker in its
system prompt) the assistant turns in order, as content blocks (``text`` and
``tool_use``). The server is stateless across requests: the turn to answer is the
number of assistant messages already in the request, so concurrent sessions, CLI
retries and subagent conversations all get the right turn. It answers

* ``POST /v1/messages`` (``?beta=true`` too) as Anthropic SSE when ``stream`` is set,
  else as a JSON message: what the Claude Code CLI and the anthropic SDK send;
* ``POST /v1/chat/completions`` as an OpenAI chat completion with ``tool_calls``.

Requests without ``tools`` (side queries such as title generation) get a short canned
text and do not consume a turn. ``$CWD`` in a scripted tool input becomes the working
directory the agent reported (Claude Code's "Primary working directory" line), so
one script works wherever the workspace is mounted.

    with ScriptedServer(load_script(path)) as server:
        ...  # ANTHROPIC_BASE_URL=server.url

From a shell (docs/agent.md "Testing offline"): ``python -m evals.agent.scripted_server
tests/agent/sessions/rest-crud-tdd.json --files-root tasks`` prints the URL to point
``ANTHROPIC_BASE_URL`` / ``OPENAI_BASE_URL`` at, and serves until interrupted.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.errors import ConfigError
from evals.providers._fake_api import Reply
from evals.providers.fake_server import FakeServer

__all__ = ["Conversation", "Script", "ScriptedServer", "load_script"]

_CWD = re.compile(r"Primary working directory: (\S+)")


@dataclass(frozen=True)
class Conversation:
    """The scripted assistant turns of one conversation."""

    turns: tuple[dict[str, Any], ...]
    #: This conversation answers requests whose system prompt contains this text ("" = any).
    when_system_contains: str = ""


@dataclass(frozen=True)
class Script:
    """A recorded session: its conversations, first match wins."""

    name: str
    conversations: tuple[Conversation, ...]
    #: Text of the final turn once a conversation's script has run out.
    done_text: str = "Done."
    meta: dict[str, Any] = field(default_factory=dict)


def _resolve_files(value: Any, root: Path | None, path: Path) -> Any:
    if isinstance(value, dict) and set(value) == {"$file"}:
        if root is None:
            raise ConfigError("uses $file but no files root was given", path=path)
        target = (root / str(value["$file"])).resolve()
        if not target.is_relative_to(root.resolve()) or not target.is_file():
            raise ConfigError(f"$file {value['$file']!r} is not a file below {root}", path=path)
        return target.read_text(encoding="utf-8")
    if isinstance(value, list):
        return [_resolve_files(v, root, path) for v in value]
    if isinstance(value, dict):
        return {k: _resolve_files(v, root, path) for k, v in value.items()}
    return value


def load_script(path: str | Path, files_root: Path | None = None) -> Script:
    """Read a session script (JSON). Raises ConfigError naming the file and field.

    ``{"$file": "rel/path"}`` anywhere in the script is replaced by that file's text
    below ``files_root`` (so a session can write a task's gold files without copying them).
    """
    path = Path(path)
    try:
        data = _resolve_files(json.loads(path.read_text(encoding="utf-8")), files_root, path)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read session script: {exc}", path=path) from exc
    convs = data.get("conversations") if isinstance(data, dict) else None
    if not isinstance(convs, list) or not convs:
        raise ConfigError("needs a non-empty conversations list", path=path, field="conversations")
    out = []
    for i, conv in enumerate(convs):
        turns = conv.get("turns") if isinstance(conv, dict) else None
        if not isinstance(turns, list):
            raise ConfigError("needs a turns list", path=path, field=f"conversations[{i}].turns")
        for j, turn in enumerate(turns):
            if not isinstance(turn, dict) or not isinstance(turn.get("content"), list):
                raise ConfigError(
                    "each turn needs a content list of blocks",
                    path=path,
                    field=f"conversations[{i}].turns[{j}]",
                )
        out.append(Conversation(tuple(turns), str(conv.get("when_system_contains", ""))))
    return Script(
        name=str(data.get("name", path.stem)),
        conversations=tuple(out),
        done_text=str(data.get("done_text", "Done.")),
        meta={k: v for k, v in data.items() if k not in ("conversations", "done_text")},
    )


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, dict):
                parts.append(str(block.get("text", "")) + _text_of(block.get("content")))
        return "".join(parts)
    return ""


def _substitute(value: Any, cwd: str) -> Any:
    if isinstance(value, str):
        return value.replace("$CWD", cwd)
    if isinstance(value, list):
        return [_substitute(v, cwd) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, cwd) for k, v in value.items()}
    return value


class ScriptedServer(FakeServer):
    """:class:`FakeServer` whose model turns come from a :class:`Script`."""

    def __init__(self, script: Script, **options: Any) -> None:
        super().__init__(**options)
        self.script = script
        self._n = 0
        #: ``perf_counter()`` at each request's arrival, parallel to :attr:`requests`.
        self.arrivals: list[float] = []

    async def _respond(
        self, method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> Reply | None:
        self.arrivals.append(time.perf_counter())  # super() records the request at once
        return await super()._respond(method, path, headers, raw)

    # -- turn selection -------------------------------------------------------------------

    def _conversation(self, system_text: str) -> Conversation:
        for conv in self.script.conversations:
            if conv.when_system_contains in system_text:
                return conv
        return self.script.conversations[-1]

    def _turn(self, body: dict[str, Any], system_text: str) -> dict[str, Any]:
        messages = body.get("messages") or []
        index = sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "assistant")
        turns = self._conversation(system_text).turns
        if index < len(turns):
            turn = turns[index]
        else:
            turn = {"content": [{"type": "text", "text": self.script.done_text}]}
        found = _CWD.search(_text_of(messages[0].get("content")) if messages else "")
        cwd = found.group(1) if found else "."
        return {**turn, "content": _substitute(turn["content"], cwd)}

    def _blocks(self, turn: dict[str, Any]) -> list[dict[str, Any]]:
        blocks = []
        for block in turn["content"]:
            if block.get("type") == "tool_use":
                self._n += 1
                blocks.append({"id": f"toolu_{self._n:05d}", **block})
            else:
                blocks.append(dict(block))
        return blocks

    def _usage(
        self, body: dict[str, Any], system_text: str, turn: dict[str, Any]
    ) -> dict[str, int]:
        chars = len(system_text) + sum(
            len(json.dumps(m.get("content"))) for m in body.get("messages") or []
        )
        usage = {
            "input_tokens": max(1, chars // 4),
            "output_tokens": max(1, len(json.dumps(turn["content"])) // 4),
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        }
        usage.update({k: int(v) for k, v in (turn.get("usage") or {}).items()})
        return usage

    # -- rendering ------------------------------------------------------------------------

    def _route(self, method: str, path: str, body: Any) -> Reply:
        payload = body if isinstance(body, dict) else {}
        if method == "POST" and path == "/v1/messages" and "messages" in payload:
            return self._anthropic(payload)
        if method == "POST" and path == "/v1/chat/completions" and "messages" in payload:
            return self._openai(payload)
        return super()._route(method, path, body)

    def _anthropic(self, body: dict[str, Any]) -> Reply:
        system_text = _text_of(body.get("system"))
        if body.get("tools"):
            turn = self._turn(body, system_text)
        else:
            turn = {"content": [{"type": "text", "text": "Scripted side reply."}]}
        blocks = self._blocks(turn)
        usage = self._usage(body, system_text, turn)
        stop = "tool_use" if any(b["type"] == "tool_use" for b in blocks) else "end_turn"
        self._n += 1
        message = {
            "id": f"msg_scripted_{self._n:05d}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model"),
            "content": blocks,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": usage,
        }
        if not body.get("stream"):
            return Reply.json(200, message, **{"request-id": f"req_{self._n}"})
        return Reply(200, _sse(message), {"content-type": "text/event-stream"})

    def _openai(self, body: dict[str, Any]) -> Reply:
        messages = body.get("messages") or []
        system_text = "".join(
            _text_of(m.get("content")) for m in messages if m.get("role") == "system"
        )
        chat = [m for m in messages if m.get("role") != "system"]
        turn = self._turn({**body, "messages": chat}, system_text) if body.get("tools") else None
        turn = turn or {"content": [{"type": "text", "text": "Scripted side reply."}]}
        blocks = self._blocks(turn)
        usage = self._usage({"messages": chat}, system_text, turn)
        text = "".join(b.get("text", "") for b in blocks if b["type"] == "text")
        calls = [
            {
                "id": b["id"],
                "type": "function",
                "function": {"name": b["name"], "arguments": json.dumps(b.get("input", {}))},
            }
            for b in blocks
            if b["type"] == "tool_use"
        ]
        message: dict[str, Any] = {"role": "assistant", "content": text or None}
        if calls:
            message["tool_calls"] = calls
        self._n += 1
        prompt = usage["input_tokens"] + usage["cache_read_input_tokens"]
        return Reply.json(
            200,
            {
                "id": f"chatcmpl-scripted-{self._n}",
                "object": "chat.completion",
                "created": 1765000000,
                "model": body.get("model"),
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "finish_reason": "tool_calls" if calls else "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": usage["output_tokens"],
                    "total_tokens": prompt + usage["output_tokens"],
                    "prompt_tokens_details": {"cached_tokens": usage["cache_read_input_tokens"]},
                },
            },
        )


def _sse(message: dict[str, Any]) -> bytes:
    """The Anthropic streaming events that rebuild ``message``."""
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": start})
    ]
    for i, block in enumerate(message["content"]):
        if block["type"] == "tool_use":
            head = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
            delta = {"type": "input_json_delta", "partial_json": json.dumps(block.get("input", {}))}
        else:
            head = {"type": "text", "text": ""}
            delta = {"type": "text_delta", "text": block.get("text", "")}
        events.append(
            (
                "content_block_start",
                {"type": "content_block_start", "index": i, "content_block": head},
            )
        )
        events.append(
            ("content_block_delta", {"type": "content_block_delta", "index": i, "delta": delta})
        )
        events.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
    events.append(
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                "usage": {"output_tokens": usage["output_tokens"]},
            },
        )
    )
    events.append(("message_stop", {"type": "message_stop"}))
    return "".join(f"event: {e}\ndata: {json.dumps(d)}\n\n" for e, d in events).encode()


def main(argv: Sequence[str] | None = None) -> int:
    """Serve a session script on 127.0.0.1 in the foreground; print its URL first.

    Returns:
        2 (after one line naming the file and field) when the script cannot be read,
        else 0 once interrupted.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script", type=Path, help="session script (JSON)")
    parser.add_argument("--files-root", type=Path, help='folder "$file" paths are read below')
    parser.add_argument("--api-key", help="accept only this key (default: any)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per answer")
    args = parser.parse_args(argv)
    try:
        script = load_script(args.script, args.files_root)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    server = ScriptedServer(script, api_key=args.api_key, latency_s=args.latency).start()
    print(server.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
