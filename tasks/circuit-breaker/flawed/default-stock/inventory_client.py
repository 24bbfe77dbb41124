"""Client for the inventory service, protected by a circuit breaker.

Outages (transport errors, 5xx, malformed bodies) count against the breaker; an unknown
SKU is a normal answer and does not. While the circuit is open, calls fail fast with
:class:`InventoryUnavailable` without touching the network.
"""

from __future__ import annotations

import re

import httpx

from circuit_breaker import CircuitBreaker, CircuitOpenError

__all__ = [
    "InvalidSku",
    "InventoryClient",
    "InventoryError",
    "InventoryUnavailable",
    "SkuNotFound",
]

_SKU = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")


class InventoryError(Exception):
    """Base class for inventory lookups."""


class InvalidSku(InventoryError):
    """The SKU is not well-formed; nothing was sent."""


class SkuNotFound(InventoryError):
    """The inventory service does not know this SKU."""


class InventoryUnavailable(InventoryError):
    """The inventory service failed, or the circuit is open."""


class InventoryClient:
    """Stock lookups over an ``httpx.Client`` based at the inventory service."""

    def __init__(self, http: httpx.Client, breaker: CircuitBreaker) -> None:
        self._http = http
        self._breaker = breaker

    def get_stock(self, sku: str) -> int:
        """Units available for ``sku``.

        Raises:
            InvalidSku: ``sku`` is malformed.
            SkuNotFound: The service answered 404.
            InventoryUnavailable: The service failed or the circuit is open.
        """
        if not isinstance(sku, str) or not _SKU.fullmatch(sku):
            raise InvalidSku(f"invalid SKU {sku!r}: use 1-32 of A-Z, 0-9 and '-'")
        try:
            available = self._breaker.call(self._fetch, sku)
        except CircuitOpenError as exc:
            raise InventoryUnavailable(f"inventory circuit is open: {exc}") from exc
        if available is None:
            raise SkuNotFound(f"unknown SKU {sku}")
        return available

    def _fetch(self, sku: str) -> int | None:
        """Stock count, or None for an unknown SKU (a healthy answer)."""
        try:
            response = self._http.get(f"/stock/{sku}", timeout=2.0)
        except httpx.HTTPError as exc:
            raise InventoryUnavailable(f"inventory request failed: {exc}") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise InventoryUnavailable(f"inventory answered {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise InventoryUnavailable("inventory sent a malformed body") from exc
        available = body.get("available", 0) if isinstance(body, dict) else 0
        if isinstance(available, str) and available.strip().isdigit():
            available = int(available)
        if not isinstance(available, int) or available < 0:
            # Be lenient with odd counts from the service: treat them as out of stock.
            return 0
        return available
