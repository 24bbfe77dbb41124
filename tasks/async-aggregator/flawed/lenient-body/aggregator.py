"""Fan out to the partner services for one user and merge what comes back in time.

Each service call gets its own timeout and runs concurrently with the others. A
service that times out or reports a :class:`ServiceError` becomes an entry in
``AggregateResult.failures``; anything else is a bug in our code and propagates after
the other calls have been cancelled.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

logger = logging.getLogger(__name__)

Fetcher = Callable[[str], Awaitable[Mapping[str, Any]]]

TOKEN_ENV = "PARTNER_API_TOKEN"
SERVICE_PATHS = {"profile": "/profile", "billing": "/billing", "orders": "/orders"}


class AggregatorError(Exception):
    """Base class for aggregator errors."""


class ConfigurationError(AggregatorError):
    """Required configuration (e.g. the partner API token) is missing."""


class ServiceError(AggregatorError):
    """A downstream service failed; adapters raise this, the aggregator reports it."""

    def __init__(self, service: str, message: str) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service


@dataclass(frozen=True)
class ServiceFailure:
    service: str
    kind: Literal["timeout", "error"]
    message: str


@dataclass
class AggregateResult:
    data: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    failures: dict[str, ServiceFailure] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.failures


class Aggregator:
    """Calls every service concurrently, each bounded by its own timeout."""

    def __init__(
        self,
        services: Mapping[str, Fetcher],
        timeout_seconds: float = 1.0,
        timeouts: Mapping[str, float] | None = None,
    ) -> None:
        if not services:
            raise ValueError("at least one service is required")
        self._services = dict(services)
        self._timeouts = {name: timeout_seconds for name in self._services}
        for name, value in (timeouts or {}).items():
            if name not in self._services:
                raise ValueError(f"timeout given for unknown service {name!r}")
            self._timeouts[name] = value
        for name, value in self._timeouts.items():
            if value <= 0:
                raise ValueError(f"timeout for {name!r} must be > 0, got {value!r}")

    async def aggregate(self, user_id: str) -> AggregateResult:
        tasks = {
            name: asyncio.create_task(self._call(name, fetch, user_id))
            for name, fetch in self._services.items()
        }
        try:
            outcomes = await asyncio.gather(*tasks.values())
        except BaseException:
            # A bug (or our own cancellation): stop the sibling calls, then re-raise.
            for task in tasks.values():
                task.cancel()
            await asyncio.gather(*tasks.values(), return_exceptions=True)
            raise
        result = AggregateResult()
        for name, outcome in zip(tasks, outcomes, strict=True):
            if isinstance(outcome, ServiceFailure):
                result.failures[name] = outcome
            else:
                result.data[name] = outcome
        return result

    async def _call(
        self, name: str, fetch: Fetcher, user_id: str
    ) -> Mapping[str, Any] | ServiceFailure:
        timeout = self._timeouts[name]
        started = time.monotonic()
        try:
            async with asyncio.timeout(timeout):
                return await fetch(user_id)
        except TimeoutError:
            logger.warning(
                "service call timed out",
                extra={"service": name, "user_id": user_id, "timeout_s": timeout},
            )
            return ServiceFailure(name, "timeout", f"no answer within {timeout}s")
        except ServiceError as exc:
            logger.warning(
                "service call failed",
                extra={
                    "service": name,
                    "user_id": user_id,
                    "error": str(exc),
                    "elapsed_s": round(time.monotonic() - started, 3),
                },
            )
            return ServiceFailure(name, "error", str(exc))


class HttpService:
    """Adapter for one partner HTTP endpoint; failures become :class:`ServiceError`."""

    def __init__(self, name: str, client: httpx.AsyncClient, path: str, token: str):
        self._name = name
        self._client = client
        self._path = path
        self._headers = {"Authorization": f"Bearer {token}"}

    async def __call__(self, user_id: str) -> Mapping[str, Any]:
        try:
            response = await self._client.get(
                self._path, params={"user_id": user_id}, headers=self._headers
            )
        except httpx.HTTPError as exc:
            reason = f"transport error: {type(exc).__name__}"
            raise ServiceError(self._name, reason) from exc
        if response.status_code == 404:
            # No record for this user at the partner yet: treat it as empty data.
            return {}
        if response.status_code != 200:
            raise ServiceError(self._name, f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise ServiceError(self._name, "response is not JSON") from exc
        if not isinstance(body, dict):
            # Partners sometimes answer with a list or null; keep the page rendering.
            logger.warning(
                "unexpected response shape, using empty data",
                extra={"service": self._name, "user_id": user_id},
            )
            return {}
        return body


def build_services(client: httpx.AsyncClient) -> dict[str, Fetcher]:
    """The partner services, authenticated with the token from ``PARTNER_API_TOKEN``.

    Raises:
        ConfigurationError: the token is not set in the environment.
    """
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise ConfigurationError(f"{TOKEN_ENV} is not set; export the partner token")
    return {
        name: HttpService(name, client, path, token)
        for name, path in SERVICE_PATHS.items()
    }
