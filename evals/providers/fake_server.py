"""A fake Anthropic + OpenAI server on 127.0.0.1, for tests and ``evals bench providers``.

It speaks enough HTTP/1.1 (keep-alive, Content-Length bodies) for the real SDKs to talk to
it through ``base_url``, serves ``/v1/messages``, ``/v1/messages/count_tokens``,
``/v1/messages/batches`` (+ ``/{id}`` and ``/{id}/results``) and ``/v1/chat/completions``,
and injects faults: ``429`` (with ``retry-after``), ``529``, ``500``, ``timeout`` (hold
the connection ``hang_s`` then drop it) and ``malformed`` (a 200 whose body is not JSON).

    with FakeServer(latency_s=0.2, fault_rate=0.3, seed=1) as server:
        provider = create("claude-x", base_url=server.url, api_key="test")

``python -m evals.providers.fake_server --latency 0.2`` runs it standalone (prints the URL).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from evals.providers._fake_api import FakeApi, Reply

__all__ = ["FAULT_KINDS", "ODD_200_KINDS", "FakeServer", "Recorded", "SpawnedFakeServer"]

FAULT_KINDS = ("429", "529", "500", "timeout", "malformed")
#: Odd 200 answers, injected only when named (``fault_kinds`` or ``forced``): ``empty``
#: (no content blocks), ``overloaded200`` (an error body with status 200), and answers
#: that are the model's own failures: ``truncated`` (cut at ``max_tokens``), ``refusal``,
#: ``binary`` (NUL bytes).
ODD_200_KINDS = ("empty", "overloaded200", "truncated", "refusal", "binary")
_FAULTABLE = ("/v1/messages", "/v1/chat/completions", "/v1/messages/count_tokens")


@dataclass(frozen=True)
class Recorded:
    """One request the server received (faulted ones included, ``fault`` says which)."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    fault: str | None = None


class FakeServer:
    """The fake API on an ephemeral port, served from a background thread's event loop."""

    def __init__(
        self,
        *,
        latency_s: float = 0.0,
        fault_rate: float = 0.0,
        fault_kinds: Sequence[str] = FAULT_KINDS,
        seed: int = 0,
        retry_after_s: float | None = 0.05,
        hang_s: float = 1.0,
        api_key: str | None = None,
        min_cache_tokens: int = 1024,
        batch_polls: int = 1,
    ) -> None:
        self.latency_s = latency_s
        self.fault_rate = fault_rate
        self.fault_kinds = tuple(fault_kinds)
        self.retry_after_s = retry_after_s
        self.hang_s = hang_s
        self.api_key = api_key
        self.requests: list[Recorded] = []
        #: Faults forced on the next requests, in order, before random ones.
        self.forced: list[str] = []
        self._rng = random.Random(seed)
        self._min_cache = min_cache_tokens
        self._batch_polls = batch_polls
        self.api: FakeApi = FakeApi("", min_cache_tokens=min_cache_tokens)
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeServer:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            self._server = loop.run_until_complete(
                asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=1024)
            )
            port = self._server.sockets[0].getsockname()[1]
            self.url = f"http://127.0.0.1:{port}"
            self.api = FakeApi(
                self.url, min_cache_tokens=self._min_cache, batch_polls=self._batch_polls
            )
            ready.set()
            loop.run_forever()
            self._server.close()
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-api", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake server did not start within 10 s")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count(self, path: str | None = None, *, ok_only: bool = False) -> int:
        """Requests received (optionally for one path, optionally without faulted ones)."""
        return sum(
            1
            for r in list(self.requests)
            if (path is None or r.path == path) and not (ok_only and r.fault)
        )

    # -- HTTP -----------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while (h := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    key, _, value = h.decode("latin-1").partition(":")
                    headers[key.strip().lower()] = value.strip()
                size = int(headers.get("content-length", "0") or 0)
                raw = await reader.readexactly(size) if size else b""
                reply = await self._respond(method, target.split("?", 1)[0], headers, raw)
                if reply is None:  # injected timeout: hold, then drop the connection
                    await asyncio.sleep(self.hang_s)
                    break
                head = [f"HTTP/1.1 {reply.status} X", f"content-length: {len(reply.body)}"]
                head += [f"{k}: {v}" for k, v in reply.headers.items()]
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + reply.body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        except asyncio.CancelledError:  # server shutting down: end quietly
            pass
        finally:
            writer.close()

    def _fault(self, path: str) -> str | None:
        if path not in _FAULTABLE:
            return None
        if self.forced:
            return self.forced.pop(0)
        if self.fault_rate and self._rng.random() < self.fault_rate:
            return self._rng.choice(self.fault_kinds)
        return None

    async def _respond(
        self, method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> Reply | None:
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        fault = self._fault(path)
        self.requests.append(Recorded(method, path, headers, body, fault))
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        if self.api_key is not None:
            given = headers.get("x-api-key") or headers.get("authorization", "").removeprefix(
                "Bearer "
            )
            if given != self.api_key:
                return Reply.json(
                    401,
                    {
                        "type": "error",
                        "error": {"type": "authentication_error", "message": "invalid x-api-key"},
                    },
                )
        if fault in ODD_200_KINDS and path == "/v1/messages":
            return self._odd(fault, self._route(method, path, body))
        if fault is not None:
            return self._faulted(fault)
        return self._route(method, path, body)

    def _odd(self, fault: str, normal: Reply) -> Reply:
        if fault == "overloaded200":
            error = {"type": "overloaded_error", "message": "Overloaded"}
            return Reply.json(200, {"type": "error", "error": error})
        message = json.loads(normal.body)
        text = "".join(b.get("text", "") for b in message["content"] if b.get("type") == "text")
        if fault == "empty":
            message["content"] = []
        elif fault == "truncated":
            message["content"] = [{"type": "text", "text": text[: max(1, len(text) // 2)]}]
            message["stop_reason"] = "max_tokens"
        elif fault == "refusal":
            message["content"] = [{"type": "text", "text": "I can't help with that."}]
            message["stop_reason"] = "refusal"
        elif fault == "binary":
            message["content"] = [{"type": "text", "text": "\x00\x01\x02PK\x03\x04" * 64}]
        return Reply.json(200, message, **normal.headers)

    def _faulted(self, fault: str) -> Reply | None:
        after = {"retry-after": str(self.retry_after_s)} if self.retry_after_s else {}
        if fault == "429":
            return Reply.json(
                429,
                {"type": "error", "error": {"type": "rate_limit_error", "message": "rate limited"}},
                **after,
                **{"anthropic-ratelimit-requests-remaining": "0"},
            )
        if fault == "529":
            return Reply.json(
                529,
                {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
                **after,
            )
        if fault == "500":
            return Reply.json(
                500,
                {
                    "type": "error",
                    "error": {"type": "api_error", "message": "Internal server error"},
                },
                **after,
            )
        if fault == "malformed":
            return Reply(200, b'{"id": "msg_trunc', {"content-type": "application/json"})
        return None  # timeout

    def _route(self, method: str, path: str, body: Any) -> Reply:
        payload = body if isinstance(body, dict) else {}
        if method == "POST" and path == "/v1/messages":
            return self.api.messages(payload)
        if method == "POST" and path == "/v1/messages/count_tokens":
            return self.api.count_tokens(payload)
        if method == "POST" and path == "/v1/messages/batches":
            return self.api.create_batch(payload)
        if method == "GET" and path.startswith("/v1/messages/batches/"):
            rest = path.removeprefix("/v1/messages/batches/")
            if rest.endswith("/results"):
                return self.api.batch_results(rest.removesuffix("/results"))
            return self.api.retrieve_batch(rest)
        if method == "POST" and path == "/v1/chat/completions":
            return self.api.chat(payload)
        if method == "GET" and path == "/_stats":
            return Reply.json(200, {"requests": self.count() - self.count("/_stats")})
        return Reply.json(
            404,
            {
                "type": "error",
                "error": {"type": "not_found_error", "message": f"no route {method} {path}"},
            },
        )


class SpawnedFakeServer:
    """The fake server in a child process (its CPU off the client's GIL: a benchmark's
    client then competes with nothing but itself, as with a real remote API)."""

    def __init__(self, latency_s: float = 0.0) -> None:
        self.latency_s = latency_s
        self.url = ""
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> SpawnedFakeServer:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "evals.providers.fake_server", "--latency", str(self.latency_s)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        self.url = self._proc.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.__exit__()
            raise RuntimeError("the fake server process did not start")
        return self

    def count(self) -> int:
        """Requests the server has received so far."""
        with urllib.request.urlopen(f"{self.url}/_stats", timeout=10) as resp:
            return int(json.load(resp)["requests"])

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(10)
            self._proc = None


def main(argv: Sequence[str] | None = None) -> None:
    """Run the fake server in the foreground until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    args = parser.parse_args(argv)
    server = FakeServer(latency_s=args.latency, fault_rate=args.fault_rate).start()
    print(server.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
