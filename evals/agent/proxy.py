"""The harness-owned model proxy between a sandboxed agent and the real API.

The agent only ever sees a dummy key and a loopback URL; the proxy (a unix socket bound
into the sandbox, or 127.0.0.1) swaps in the real key, forwards ``/v1/messages`` to the
upstream API, streams the answer back unchanged, and records every exchange: the
trajectory is built from what the model was really asked and really answered, not from
anything the agent reports. Tokens (cache writes and reads included) and dollars (the
shipped price table) are counted per exchange, and the per-sample :class:`Caps` on
turns, tokens and dollars are enforced *before* forwarding: past a cap the proxy answers
a 400 and calls ``on_cap`` (the harness then stops the agent). Wall time is capped by
the caller, which owns the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx

from evals.agent._sse import message_from_sse
from evals.errors import ConfigError
from evals.providers.cost import cost_usd
from evals.schema import Usage

__all__ = ["DEFAULT_CAPS", "Caps", "Exchange", "RecordingProxy", "parse_caps"]

_HOP = {
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "accept-encoding",
    "x-api-key",
    "authorization",
    "proxy-authorization",
}
#: A recorded response body is kept up to this size (the stream itself is never cut).
_MAX_RECORD = 8 * 1024 * 1024


@dataclass(frozen=True)
class Caps:
    """Per-sample limits of one agent run."""

    max_turns: int = 60
    max_tokens: int = 3_000_000
    max_usd: float = 5.0
    wall_s: float = 1800.0


DEFAULT_CAPS = Caps()
_CAP_KEYS = {"turns": "max_turns", "tokens": "max_tokens", "usd": "max_usd", "wall_s": "wall_s"}


def parse_caps(values: Mapping[str, float]) -> Caps:
    """:class:`Caps` from ``{"turns": 30, "usd": 2, ...}`` (the ``agent_caps`` config).

    Raises:
        ConfigError: an unknown key or a non-positive value (names the key).
    """
    fields: dict[str, Any] = {}
    for key, value in values.items():
        if key not in _CAP_KEYS:
            known = ", ".join(_CAP_KEYS)
            raise ConfigError(f"unknown cap {key!r}; known: {known}", field="agent_caps")
        if not value > 0:
            raise ConfigError(f"{key} must be positive", field=f"agent_caps.{key}")
        fields[_CAP_KEYS[key]] = int(value) if key in ("turns", "tokens") else float(value)
    return Caps(**fields)


@dataclass
class Exchange:
    """One request the agent made through the proxy, and its answer."""

    index: int
    method: str
    path: str
    started_s: float
    request: dict[str, Any]
    status: int = 0
    duration_s: float = 0.0
    #: The answer as an Anthropic message (rebuilt from SSE when streamed).
    message: dict[str, Any] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    cost_usd: float = 0.0
    error: str | None = None
    #: Seconds spent in the proxy itself (parsing, recording), not waiting on upstream.
    overhead_s: float = 0.0


@functools.lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """One TLS context for every proxy: loading the CA bundle is ~75 ms of CPU a sample."""
    return httpx.create_ssl_context()


def _usage(message: dict[str, Any]) -> Usage:
    raw = message.get("usage") or {}
    return Usage(
        input_tokens=int(raw.get("input_tokens") or 0),
        output_tokens=int(raw.get("output_tokens") or 0),
        cache_creation_input_tokens=int(raw.get("cache_creation_input_tokens") or 0),
        cache_read_input_tokens=int(raw.get("cache_read_input_tokens") or 0),
    )


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _error_body(message: str, kind: str = "invalid_request_error") -> bytes:
    return json.dumps({"type": "error", "error": {"type": kind, "message": message}}).encode()


class RecordingProxy:
    """See the module docstring. ``start()`` then give the agent :attr:`url`/:attr:`socket_path`."""

    def __init__(
        self,
        upstream: str,
        api_key: str,
        model: str,
        caps: Caps = DEFAULT_CAPS,
        *,
        socket_path: Path | None = None,
        on_cap: Callable[[str], None] | None = None,
        timeout_s: float = 600.0,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.model = model
        self.caps = caps
        self.socket_path = socket_path
        self.on_cap = on_cap
        self.url = ""
        self.exchanges: list[Exchange] = []
        self.capped: str | None = None
        self.usage = Usage()
        self.cost_usd = 0.0
        self._key = api_key
        self._server: asyncio.Server | None = None
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=30.0), verify=_tls()
        )
        self._t0 = time.perf_counter()

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> RecordingProxy:
        """Listen on the unix socket (when given) or an ephemeral 127.0.0.1 port."""
        self._t0 = time.perf_counter()
        if self.socket_path is not None:
            self._server = await asyncio.start_unix_server(self._handle, str(self.socket_path))
            self.socket_path.chmod(0o666)  # the sandboxed agent runs as another uid
            self.url = f"unix:{self.socket_path}"
        else:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            port = self._server.sockets[0].getsockname()[1]
            self.url = f"http://127.0.0.1:{port}"
        return self

    async def aclose(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
        await self._client.aclose()

    # -- caps -----------------------------------------------------------------------------

    def _over_cap(self) -> str | None:
        turns = sum(1 for e in self.exchanges if e.path == "/v1/messages" and e.status)
        if turns >= self.caps.max_turns:
            return "turns"
        if self.usage.total_tokens >= self.caps.max_tokens:
            return "tokens"
        if self.cost_usd >= self.caps.max_usd:
            return "dollars"
        return None

    # -- HTTP -----------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await self._one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()

    async def _read_body(self, reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    await reader.readline()
                    return b"".join(parts)
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
        size = int(headers.get("content-length", "0") or 0)
        return await reader.readexactly(size) if size else b""

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        line = await reader.readline()
        if not line.strip():
            return False
        method, target, _ = line.decode("latin-1").split(" ", 2)
        headers: dict[str, str] = {}
        while (h := await reader.readline()) not in (b"\r\n", b"\n", b""):
            key, _, value = h.decode("latin-1").partition(":")
            headers[key.strip().lower()] = value.strip()
        raw = await self._read_body(reader, headers)
        received = time.perf_counter()
        path = target.split("?", 1)[0]
        # The request body is parsed once the answer has been streamed back (_record), off
        # the agent's path: a Claude Code request carries the whole conversation.
        exchange = Exchange(len(self.exchanges), method, path, received - self._t0, {})
        if not path.startswith("/v1/messages"):
            exchange.status, exchange.error = 404, f"refused path {path}"
            exchange.request = _parse(raw)
            self.exchanges.append(exchange)
            await self._send(writer, 404, {}, _error_body(f"no route {path}", "not_found_error"))
            return True
        cap = self._over_cap() if path == "/v1/messages" else None
        if cap is not None:
            self.capped = self.capped or cap
            exchange.status, exchange.error = 400, f"cap reached: {cap}"
            exchange.request = _parse(raw)
            self.exchanges.append(exchange)
            await self._send(writer, 400, {}, _error_body(f"persona-evals {cap} cap reached"))
            if self.on_cap is not None:
                self.on_cap(cap)
            return False
        self.exchanges.append(exchange)
        forward = {k: v for k, v in headers.items() if k not in _HOP}
        forward["x-api-key"] = self._key
        await self._forward(writer, exchange, method, target, forward, raw, received)
        return True

    async def _send(
        self, writer: asyncio.StreamWriter, status: int, headers: dict[str, str], body: bytes
    ) -> None:
        head = [f"HTTP/1.1 {status} X", f"content-length: {len(body)}"]
        head += ["content-type: application/json"] if "content-type" not in headers else []
        head += [f"{k}: {v}" for k, v in headers.items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()

    async def _forward(
        self,
        writer: asyncio.StreamWriter,
        exchange: Exchange,
        method: str,
        target: str,
        headers: dict[str, str],
        raw: bytes,
        received: float,
    ) -> None:
        recorded = bytearray()
        waiting = 0.0
        try:
            request = self._client.build_request(
                method, self.upstream + target, headers=headers, content=raw
            )
            sent = time.perf_counter()
            response = await self._client.send(request, stream=True)
            waiting += time.perf_counter() - sent
            out = {
                k: v
                for k, v in response.headers.items()
                if k.lower() not in _HOP and k.lower() != "content-encoding"
            }
            head = [f"HTTP/1.1 {response.status_code} X", "transfer-encoding: chunked"]
            head += [f"{k}: {v}" for k, v in out.items()]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
            exchange.status = response.status_code
            chunks = response.aiter_bytes()
            while True:
                pulled = time.perf_counter()
                try:
                    chunk = await chunks.__anext__()
                except StopAsyncIteration:
                    break
                waiting += time.perf_counter() - pulled
                if len(recorded) < _MAX_RECORD:
                    recorded += chunk
                writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                await writer.drain()
            await response.aclose()
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        except httpx.HTTPError as exc:
            exchange.status = exchange.status or 502
            exchange.error = f"upstream: {type(exc).__name__}: {exc}"[:300]
            if not recorded:
                await self._send(writer, 502, {}, _error_body(exchange.error, "api_error"))
        finally:
            self._record(exchange, raw, bytes(recorded), received, waiting)

    def _record(
        self, exchange: Exchange, raw: bytes, body: bytes, received: float, waiting: float
    ) -> None:
        exchange.request = _parse(raw)
        if body.lstrip().startswith(b"{"):
            try:
                message = json.loads(body)
            except ValueError:
                message = {}
        else:
            message = message_from_sse(body) if body else {}
        exchange.message = message if isinstance(message, dict) else {}
        if exchange.message.get("type") == "error" and exchange.error is None:
            exchange.error = json.dumps(exchange.message.get("error"))[:300]
        if exchange.path == "/v1/messages":
            exchange.usage = _usage(exchange.message)
            model = str(exchange.message.get("model") or exchange.request.get("model") or "")
            exchange.cost_usd = cost_usd(f"anthropic/{model or self.model}", exchange.usage)
            self.usage = Usage(
                **{
                    k: getattr(self.usage, k) + getattr(exchange.usage, k)
                    for k in Usage.model_fields
                }
            )
            self.cost_usd += exchange.cost_usd
        done = time.perf_counter()
        exchange.duration_s = done - received
        exchange.overhead_s = max(0.0, exchange.duration_s - waiting)
