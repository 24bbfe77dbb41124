"""What the Anthropic and OpenAI providers share: lazy SDK import, the HTTP client,
error mapping, and the bounded retry for failures the SDKs do not retry.

Both SDKs (anthropic 2.x, openai 3.x) are built on ``httpx2``, a fork of httpx, and take
an ``httpx2.AsyncClient`` as ``http_client``; tests pass one with ``httpx2.MockTransport``.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import ipaddress
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any, TypeVar
from urllib.parse import urlparse

from evals.errors import AuthenticationError, MissingDependencyError, ProviderError
from evals.providers._ratelimit import AdaptiveLimiter

__all__ = [
    "build_http_client",
    "import_sdk",
    "is_loopback",
    "map_error",
    "settle_heap",
    "with_malformed_retries",
]

T = TypeVar("T")


_settled: set[str] = set()


def import_sdk(module: str, extra: str) -> ModuleType:
    """Import an optional SDK, or raise ProviderError with the exact ``pip install``.

    The first import of each SDK is followed by :func:`settle_heap`.
    """
    try:
        sdk = importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"the {module} SDK is not installed: pip install 'persona-evals[{extra}]'",
            field="--model",
        ) from exc
    if module not in _settled:
        _settled.add(module)
        settle_heap()
    return sdk


def settle_heap() -> None:
    """Run the full garbage collection now, and exempt its survivors from later ones.

    Importing an SDK (and pydantic's schemas behind it) leaves a few hundred thousand
    long-lived objects that have never been through a full collection. Left alone, the
    first full collection comes once the run starts allocating, i.e. in the middle of the
    first wave of requests, and stalls the event loop for ~50 ms while every request of
    the wave waits (measured with ``gc.callbacks`` in ``evals bench providers``). Paying
    it here, before any request, and freezing the survivors (modules, classes, schemas:
    they live as long as the process) keeps later full collections short. Objects frozen
    here are never collected, which only matters for garbage that is already unreachable
    now, and the collection just before the freeze has freed that.
    """
    gc.collect()
    gc.freeze()


def build_http_client(
    limiter: AdaptiveLimiter, max_connections: int, timeout: float, http_client: Any = None
) -> Any:
    """An ``httpx2.AsyncClient`` whose response hook feeds every attempt to ``limiter``.

    A caller-supplied client (tests: ``MockTransport``) gets the hook added, not replaced.
    """
    import httpx2

    async def sending(request: Any) -> None:
        limiter.sending()

    async def observe(response: Any) -> None:
        limiter.observe(response.status_code, response.headers)

    if http_client is None:
        http_client = httpx2.AsyncClient(
            timeout=httpx2.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx2.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            follow_redirects=True,
        )
    hooks = http_client.event_hooks
    hooks.setdefault("request", []).append(sending)
    hooks.setdefault("response", []).append(observe)
    http_client.event_hooks = hooks
    return http_client


def is_loopback(url: str | None) -> bool:
    """True for ``http://localhost:…``/``127.0.0.1``/``[::1]`` (local model servers)."""
    if not url:
        return False
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def map_error(sdk: ModuleType, exc: BaseException, name: str, key_env: str) -> ProviderError:
    """Translate an SDK exception (after the SDK's own retries) into our hierarchy.

    401/403 become :class:`AuthenticationError` (the runner stops the run at once);
    everything else is a :class:`ProviderError`, recorded as the sample's infra error.
    """
    status = getattr(exc, "status_code", None)
    if isinstance(exc, sdk.AuthenticationError | sdk.PermissionDeniedError) or status in (
        401,
        403,
    ):
        return AuthenticationError(
            f"{name} rejected the credentials (HTTP {status}); check {key_env}",
            field=key_env,
        )
    if isinstance(exc, sdk.APITimeoutError):
        return ProviderError(f"{name}: request timed out after retries")
    if isinstance(exc, sdk.APIConnectionError):
        return ProviderError(f"{name}: connection failed after retries ({exc})")
    if isinstance(exc, sdk.APIStatusError):
        message = _status_message(exc)
        return ProviderError(f"{name}: HTTP {status}: {message}")
    return ProviderError(f"{name}: {type(exc).__name__}: {exc}")


def _status_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return str(err["message"])[:300]
    return str(getattr(exc, "message", exc))[:300]


async def with_malformed_retries(
    call: Callable[[], Awaitable[T]],
    is_malformed: Callable[[BaseException], bool],
    retries: int,
    delay_s: float = 0.2,
) -> T:
    """Run ``call``; retry (bounded) when it fails on a malformed response body.

    The SDKs retry statuses and connection errors but not a 200 whose body does not parse
    (a proxy's HTML page, a truncated stream); those are retried here, ``retries`` times.
    """
    for attempt in range(retries + 1):
        try:
            return await call()
        except Exception as exc:
            if attempt >= retries or not is_malformed(exc):
                raise
            await asyncio.sleep(delay_s * (2**attempt) if delay_s else 0)
    raise AssertionError("unreachable")
