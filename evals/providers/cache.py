"""Content-addressed response cache shared across runs.

The key is the sha256 of the canonical JSON of everything that decides a model's answer:
provider identity, model, system, messages, max_tokens, temperature, tools, tool_choice
and epoch. ``sample_id``/``task``/``variant`` are run bookkeeping and are left out, so the
same question asked by two runs (or two suites) is answered once; epochs are in the key,
so repeated samples stay independent draws.

The store is one JSON file per key under ``<dir>/<key[:2]>/<key>.json`` (default
``~/.cache/persona-evals/responses``; ``PERSONA_EVALS_CACHE_DIR`` or ``cache_dir``
overrides). Writes go to a temporary file in the same directory and are renamed into
place, so concurrent writers (parallel runs) never leave a torn entry: the last rename
wins and both wrote the same answer to the same question.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import itertools
import json
import os
import queue
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.providers._base import Provider, ProviderRequest, ProviderResponse, ToolCall
from evals.schema import Usage

if TYPE_CHECKING:
    from evals.tasks import Task

__all__ = [
    "CACHE_DIR_ENV",
    "KEY_VERSION",
    "CachingProvider",
    "ResponseCache",
    "cache_key",
    "default_cache_dir",
    "wrap_with_cache",
]

CACHE_DIR_ENV = "PERSONA_EVALS_CACHE_DIR"
#: Bump when the key's inputs change meaning; old entries are then simply not found.
KEY_VERSION = 2
_TMP_NAMES = itertools.count()


def default_cache_dir() -> Path:
    """``$PERSONA_EVALS_CACHE_DIR``, else ``~/.cache/persona-evals/responses``."""
    env = os.environ.get(CACHE_DIR_ENV)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "persona-evals" / "responses"


@functools.lru_cache(maxsize=64)
def _text_digest(text: str) -> str:
    # The persona system prompt is the same ~10 KB on every request of a run: hash it once.
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(identity: str, request: ProviderRequest) -> str:
    """sha256 of the canonical request; ``identity`` names provider (and endpoint)."""
    payload = {
        "v": KEY_VERSION,
        "provider": identity,
        "model": request.model,
        "system_sha256": _text_digest(request.system),
        "messages": list(request.messages),
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        "tools": list(request.tools),
        "tool_choice": request.tool_choice,
        "epoch": request.epoch,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _to_json(response: ProviderResponse) -> dict[str, Any]:
    return {
        "text": response.text,
        "usage": response.usage.model_dump(),
        "stop_reason": response.stop_reason,
        "latency_s": response.latency_s,
        "cost_usd": response.cost_usd,
        "model": response.model,
        "tool_calls": [{"name": c.name, "input": c.input} for c in response.tool_calls],
        "cached": response.cached,
        "raw_id": response.raw_id,
    }


def _from_json(data: dict[str, Any]) -> ProviderResponse:
    return ProviderResponse(
        text=str(data["text"]),
        usage=Usage.model_validate(data.get("usage") or {}),
        stop_reason=data.get("stop_reason"),
        latency_s=float(data.get("latency_s") or 0.0),
        cost_usd=float(data.get("cost_usd") or 0.0),
        model=data.get("model"),
        tool_calls=tuple(
            ToolCall(name=c["name"], input=c["input"]) for c in data.get("tool_calls") or ()
        ),
        cached=bool(data.get("cached", False)),
        raw_id=data.get("raw_id"),
    )


class ResponseCache:
    """A directory of cached responses, safe for concurrent readers and writers."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or default_cache_dir()).expanduser()
        self._dirs: set[Path] = set()
        # Background writes: file creation costs ~0.2 ms of syscalls on some filesystems,
        # which a thread overlaps with the event loop. Pending entries answer get().
        self._pending: dict[str, ProviderResponse] = {}
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[tuple[str, ProviderResponse, dict[str, Any]] | None] = (
            queue.SimpleQueue()
        )
        self._writer: threading.Thread | None = None
        self.write_errors: list[str] = []

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> ProviderResponse | None:
        """The stored response (as originally returned), or None; corrupt entries miss."""
        with self._lock:
            pending = self._pending.get(key)
        if pending is not None:
            return pending
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
            return _from_json(data["response"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def __contains__(self, key: str) -> bool:
        with self._lock:
            if key in self._pending:
                return True
        return self.path(key).is_file()

    def put_later(self, key: str, response: ProviderResponse, meta: dict[str, Any]) -> None:
        """Queue ``put`` on the writer thread; :meth:`flush` waits for it to finish."""
        with self._lock:
            self._pending[key] = response
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(
                    target=self._write_loop, name="response-cache", daemon=True
                )
                self._writer.start()
        self._queue.put((key, response, meta))

    def _write_loop(self) -> None:
        while (item := self._queue.get()) is not None:
            key, response, meta = item
            try:
                self.put(key, response, meta)
            except OSError as exc:
                self.write_errors.append(f"{self.path(key)}: {exc.strerror or exc}")
            finally:
                with self._lock:
                    self._pending.pop(key, None)

    def flush(self) -> None:
        """Wait until every queued entry is on disk (and stop the writer thread)."""
        with self._lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            self._queue.put(None)
            writer.join()

    def put(self, key: str, response: ProviderResponse, meta: dict[str, Any]) -> None:
        """Store ``response`` atomically (temp file + rename in the same directory)."""
        target = self.path(key)
        if target.parent not in self._dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(target.parent)
        entry = {"key": key, "stored_at": time.time(), **meta, "response": _to_json(response)}
        # Unique per process and call (one counter for all stores); "x" refuses a name
        # left behind by a crash instead of writing through it.
        tmp = target.parent / f".{key}.{os.getpid()}.{next(_TMP_NAMES)}.tmp"
        try:
            with open(tmp, "x", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, ensure_ascii=False))
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


class CachingProvider:
    """A :class:`Provider` that answers from a :class:`ResponseCache` before calling ``inner``.

    Hits come back with ``cached=True`` and ``cost_usd=0`` (the original cost stays in the
    entry); ``hits``/``misses`` count lookups for benchmarks and summaries.
    """

    def __init__(self, inner: Provider, store: ResponseCache) -> None:
        self.inner = inner
        self.store = store
        self.name = inner.name
        self.offline = inner.offline
        self.supports_pressure = inner.supports_pressure
        self.batch = inner.batch
        #: The inner provider's list: notes appended by either side reach the run summary.
        self.warnings = inner.warnings
        self.hits = 0
        self.misses = 0

    @property
    def cache_identity(self) -> str:
        return self.inner.cache_identity

    def key(self, request: ProviderRequest) -> str:
        return cache_key(self.cache_identity, request)

    def has_cached(self, request: ProviderRequest) -> bool:
        return self.key(request) in self.store

    def variants(self, task: Task) -> list[str | None]:
        return self.inner.variants(task)

    def has(self, task_id: str, epoch: int) -> bool:
        return self.inner.has(task_id, epoch)

    async def count_tokens(self, request: ProviderRequest) -> int | None:
        return await self.inner.count_tokens(request)

    async def generate(self, request: ProviderRequest) -> ProviderResponse:
        started = time.perf_counter()
        key = self.key(request)
        hit = self.store.get(key)
        if hit is not None:
            self.hits += 1
            return dataclasses.replace(
                hit, cached=True, cost_usd=0.0, latency_s=time.perf_counter() - started
            )
        self.misses += 1
        response = await self.inner.generate(request)
        meta = {
            "provider": self.cache_identity,
            "model": request.model,
            "epoch": request.epoch,
            "purpose": request.purpose,
        }
        self.store.put_later(key, response, meta)
        return response

    async def aclose(self) -> None:
        try:
            await asyncio.to_thread(self.store.flush)
            if self.store.write_errors:  # a full or read-only disk must not fail samples
                self.warnings.append(
                    f"response cache: {len(self.store.write_errors)} entries "
                    f"not written ({self.store.write_errors[0]})"
                )
        finally:
            await self.inner.aclose()


def wrap_with_cache(provider: Provider, enabled: bool, cache_dir: Path | None) -> Provider:
    """``provider`` behind the response cache, or unchanged when ``enabled`` is False.

    Args:
        provider: the provider to wrap.
        enabled: False for ``--no-cache``.
        cache_dir: the store; None uses :func:`default_cache_dir`.
    """
    if not enabled or isinstance(provider, CachingProvider):
        return provider
    return CachingProvider(provider, ResponseCache(cache_dir))
