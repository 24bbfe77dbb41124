"""``anthropic/<model>``: Claude through the official SDK's async client.

The SDK (``pip install 'persona-evals[anthropic]'``) is imported inside :func:`create`, so
offline commands never pay its ~1-2 s import. Requests send the persona as a cached
system block; concurrency is bounded per provider by an :class:`AdaptiveLimiter` that
shrinks under sustained 429s; the SDK retries 408/409/429/5xx/529 itself (honouring
``retry-after``); ``batch=True`` routes requests through the Message Batches API at half
price (see :mod:`._batch`).

Options (all optional; unknown ones are ignored): ``max_connections`` (8), ``batch``,
``state_dir`` (run directory; required with ``batch``), ``base_url`` (else
``ANTHROPIC_BASE_URL``, else the public API), ``timeout`` (600 s per attempt),
``max_retries`` (4), ``api_key`` (else ``$ANTHROPIC_API_KEY``), ``http_client`` (an
``httpx2.AsyncClient``), ``require_credentials`` (False lets ``--dry-run`` build the
provider without a key), ``batch_window_s``, ``batch_poll_s``, ``batch_max_wait_s``,
``batch_progress`` (callable taking one line), ``send_temperature`` (the installed SDK's
API version has no ``temperature``; True sends it anyway via ``extra_body``).
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from evals.errors import MissingCredentialsError, ProviderError
from evals.providers._anthropic_convert import (
    MalformedResponse,
    build_params,
    cache_warning,
    to_response,
)
from evals.providers._base import BaseProvider, ProviderRequest, ProviderResponse
from evals.providers._batch import BatchQueue
from evals.providers._ratelimit import AdaptiveLimiter
from evals.providers._sdk import build_http_client, import_sdk, map_error, with_malformed_retries
from evals.providers.cache import cache_key

__all__ = ["KEY_ENV", "AnthropicProvider", "create"]

log = logging.getLogger(__name__)

KEY_ENV = "ANTHROPIC_API_KEY"
_CUSTOM_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class AnthropicProvider(BaseProvider):
    """Claude models; see the module docstring for options."""

    def __init__(
        self,
        sdk: ModuleType,
        model: str,
        api_key: str | None,
        *,
        max_connections: int = 8,
        batch: bool = False,
        state_dir: Path | None = None,
        base_url: str | None = None,
        timeout: float = 600.0,
        max_retries: int = 4,
        http_client: Any = None,
        cache_system: bool = True,
        send_temperature: bool = False,
        batch_window_s: float = 2.0,
        batch_poll_s: float = 30.0,
        batch_max_wait_s: float = 26 * 3600.0,
        batch_progress: Callable[[str], None] | None = None,
        malformed_delay_s: float = 0.2,
    ) -> None:
        super().__init__(f"anthropic/{model}")
        self.sdk = sdk
        self.model = model
        self.base_url = base_url or os.environ.get("ANTHROPIC_BASE_URL") or None
        self.max_retries = max_retries
        self.cache_system = cache_system
        self.send_temperature = send_temperature
        self.malformed_delay_s = malformed_delay_s
        self._warned_systems: set[str] = set()
        self.limiter = AdaptiveLimiter(max_connections)
        # httpcore scans every pooled connection on each request (O(connections)); small
        # pools (~2 connections each at full concurrency), used in turn, keep that scan
        # short. Measured at concurrency 64 (bench providers, 3 runs each): 1 pool 1.21x,
        # 8 pools 1.11x, 32 pools 1.09x, 64 pools 1.10x. Each shard may open
        # max_connections: the limiter bounds the total.
        shards = 1 if http_client is not None else max(1, min(32, max_connections // 2))
        self.clients = [
            sdk.AsyncAnthropic(
                api_key=api_key or "no-key",
                base_url=self.base_url,
                timeout=timeout,
                max_retries=max_retries,
                http_client=build_http_client(self.limiter, max_connections, timeout, http_client),
            )
            for _ in range(shards)
        ]
        self.client = self.clients[0]
        self._turn = 0
        self.batch = batch
        self.queue: BatchQueue | None = None
        if batch:
            if state_dir is None:
                raise ProviderError("batch mode needs a run directory (state_dir)", field="--batch")
            self.queue = BatchQueue(
                self.client,
                model,
                Path(state_dir),
                window_s=batch_window_s,
                poll_s=batch_poll_s,
                max_wait_s=batch_max_wait_s,
                progress=batch_progress,
            )

    @property
    def cache_identity(self) -> str:
        return self.name if not self.base_url else f"{self.name}@{self.base_url}"

    def _check_cache(self, system: str) -> None:
        if system in self._warned_systems:
            return
        self._warned_systems.add(system)
        warning = cache_warning(self.model, system) if self.cache_system else None
        if warning:
            self.warnings.append(warning)
            log.warning("%s", warning)

    async def generate(self, request: ProviderRequest) -> ProviderResponse:
        """Answer one request (directly, or through a batch when ``batch`` is on)."""
        self._check_cache(request.system)
        params = build_params(self.model, request, self.cache_system, self.send_temperature)
        started = time.perf_counter()
        if self.queue is not None:
            return await self._via_batch(request, params, started)

        self._turn += 1
        client = self.clients[self._turn % len(self.clients)]

        async def attempt() -> ProviderResponse:
            # The raw response is the same SDK call (retries, errors, headers) without
            # building the pydantic Message (~0.3 ms, a quarter of the client's CPU per
            # request); to_response reads the decoded JSON body directly.
            raw = await client.messages.with_raw_response.create(**params)
            body = await raw.json()
            return to_response(body, self.model, time.perf_counter() - started)

        async with self.limiter:
            try:
                return await with_malformed_retries(
                    attempt, _is_malformed, self.max_retries, self.malformed_delay_s
                )
            except ProviderError:
                raise
            except Exception as exc:
                raise map_error(self.sdk, exc, self.name, KEY_ENV) from exc

    async def _via_batch(
        self, request: ProviderRequest, params: dict[str, Any], started: float
    ) -> ProviderResponse:
        assert self.queue is not None
        custom_id = request.sample_id or ""
        if request.purpose != "candidate" or not _CUSTOM_ID.match(custom_id):
            custom_id = "r" + cache_key(self.cache_identity, request)[:40]
        try:
            message = await self.queue.run(custom_id, params)
        except ProviderError:
            raise
        except Exception as exc:
            raise map_error(self.sdk, exc, self.name, KEY_ENV) from exc
        try:
            return to_response(message, self.model, time.perf_counter() - started, batch=True)
        except MalformedResponse as exc:
            raise ProviderError(f"{self.name}: batch entry {custom_id}: {exc}") from exc

    async def count_tokens(self, request: ProviderRequest) -> int:
        """Input tokens of ``request`` from the token-counting endpoint."""
        params = build_params(self.model, request, self.cache_system)
        params.pop("max_tokens", None)
        async with self.limiter:
            try:
                counted = await self.client.messages.count_tokens(**params)
            except Exception as exc:
                raise map_error(self.sdk, exc, self.name, KEY_ENV) from exc
        return int(counted.input_tokens)

    async def aclose(self) -> None:
        if self.queue is not None:
            self.queue.close()
        for client in self.clients:
            await client.close()


def _is_malformed(exc: BaseException) -> bool:
    # JSONDecodeError and pydantic's ValidationError are ValueErrors, as is MalformedResponse.
    return isinstance(exc, ValueError)


def create(model: str, **options: Any) -> AnthropicProvider:
    """Build ``anthropic/<model>``; unknown options are ignored.

    Raises:
        ProviderError: the SDK is not installed (names the ``pip install``).
        MissingCredentialsError: no ``api_key`` option and ``ANTHROPIC_API_KEY`` unset.
    """
    sdk = import_sdk("anthropic", "anthropic")
    api_key = options.get("api_key") or os.environ.get(KEY_ENV)
    if not api_key and options.get("require_credentials", True):
        raise MissingCredentialsError(
            f"set {KEY_ENV} to use anthropic/{model} (export {KEY_ENV}=sk-ant-...)",
            field=KEY_ENV,
        )
    known = {
        "max_connections",
        "batch",
        "state_dir",
        "base_url",
        "timeout",
        "max_retries",
        "http_client",
        "cache_system",
        "send_temperature",
        "batch_window_s",
        "batch_poll_s",
        "batch_max_wait_s",
        "batch_progress",
        "malformed_delay_s",
    }
    kwargs = {k: v for k, v in options.items() if k in known and v is not None}
    return AnthropicProvider(sdk, model, api_key, **kwargs)
