"""Cache-aside access to the product catalogue.

Reads go cache -> database -> cache; writes go to the database first and then drop the
cached entry, so the next read reloads it. The sqlite3 driver is synchronous, so
every database call runs in a worker thread (``asyncio.to_thread``), never on the
event loop. ``ProductService.stats`` counts hits and misses so the cache's effect can be
measured in production before anyone tunes the TTL.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

class CatalogError(Exception):
    """Base class for catalogue errors."""


class ProductNotFoundError(CatalogError):
    def __init__(self, product_id: int) -> None:
        super().__init__(f"product {product_id} does not exist")
        self.product_id = product_id


class InvalidPriceError(CatalogError, ValueError):
    """The price is not a non-negative integer number of cents."""


class InvalidProductIdError(CatalogError, ValueError):
    """A product id is not an integer."""


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0


@dataclass(frozen=True)
class Product:
    id: int
    sku: str
    name: str
    price_cents: int


class TTLCache(Generic[K, V]):
    """An in-process cache whose entries expire ``ttl_seconds`` after they are set."""

    def __init__(
        self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if ttl_seconds <= 0:
            raise ValueError(f"ttl_seconds must be positive, got {ttl_seconds!r}")
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        e = self._entries.get(key)
        return (
            None
            if e is None
            else e[1]
            if self._clock() < e[0]
            else self._entries.pop(key) and None
        )

    def set(self, key: K, value: V) -> None:
        self._entries[key] = (self._clock() + self._ttl, value)

    def invalidate(self, key: K) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


class ProductRepository:
    """Synchronous sqlite3 access; call it from a worker thread in async code."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        # One connection shared by worker threads: serialise its use.
        self._lock = threading.Lock()

    def get(self, product_id: int) -> Product | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT id, sku, name, price_cents FROM products WHERE id = ?",
                (product_id,),
            ).fetchone()
        return Product(*row) if row else None

    def get_many(self, product_ids: Iterable[int]) -> list[Product]:
        if not (x := [*dict.fromkeys(product_ids)]):
            return []
        with self._lock:
            return [
                Product(*r)
                for r in self._conn.execute(
                    "SELECT id, sku, name, price_cents FROM products"
                    f" WHERE id IN ({('?,' * len(x))[:-1]})",
                    x,
                )
            ]

    def update_price(self, product_id: int, price_cents: int) -> bool:
        with self._lock, self._conn:
            cur = self._conn.execute(
                "UPDATE products SET price_cents = ? WHERE id = ?",
                (price_cents, product_id),
            )
        return cur.rowcount > 0


def _check_id(p: object) -> int:
    if type(p) is int:
        return p
    raise InvalidProductIdError(f"product id must be an int, got {p!r}")


class ProductService:
    """Async, cache-aside product reads and invalidating writes."""

    def __init__(self, repo: ProductRepository, cache: TTLCache[int, Product]) -> None:
        self._repo = repo
        self._cache = cache
        self._inflight: dict[int, asyncio.Task[Product | None]] = {}
        # Bumped on every write: a load that started before a write must not cache.
        self._writes = 0
        self.stats = CacheStats()

    async def get_product(self, product_id: int) -> Product:
        product_id = _check_id(product_id)
        cached = self._cache.get(product_id)
        if cached is not None:
            self.stats.hits += 1
            return cached
        self.stats.misses += 1
        task = self._inflight.get(product_id)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._load(product_id))
            self._inflight[product_id] = task
            task.add_done_callback(lambda _: self._inflight.pop(product_id, None))
        # shield: one cancelled caller must not cancel the load the others wait on.
        product = await asyncio.shield(task)
        if product is None:
            raise ProductNotFoundError(product_id)
        return product

    async def _load(self, product_id: int) -> Product | None:
        writes_before = self._writes
        product = await asyncio.to_thread(self._repo.get, product_id)
        if product is not None and self._writes == writes_before:
            self._cache.set(product_id, product)
        logger.debug("product cache miss", extra={"product_id": product_id})
        return product

    async def get_products(self, product_ids: Iterable[int]) -> dict[int, Product]:
        u = [*dict.fromkeys(map(_check_id, product_ids))]
        f = {k: v for k in u if (v := self._cache.get(k)) is not None}
        m = [k for k in u if k not in f]
        self.stats.hits, self.stats.misses = (
            self.stats.hits + len(f),
            self.stats.misses + len(m),
        )
        if m:
            w = self._writes
            f |= {
                p.id: (p, w == self._writes and self._cache.set(p.id, p))[0]
                for p in await asyncio.to_thread(self._repo.get_many, m)
            }
        return {k: f[k] for k in u if k in f}

    async def update_price(self, product_id: int, price_cents: int) -> Product:
        product_id = _check_id(product_id)
        if type(price_cents) is not int or ~price_cents >= 0:
            raise InvalidPriceError(
                f"price_cents must be {('an int', '>= 0')[type(price_cents) is int]}"
                f", got {price_cents!r}"
            )
        self._writes += 1
        try:
            updated = await asyncio.to_thread(
                self._repo.update_price, product_id, price_cents
            )
        finally:
            # Invalidate even if the write failed half-way: a stale entry is worse
            # than one extra read.
            self._cache.invalidate(product_id)
        if not updated:
            raise ProductNotFoundError(product_id)
        logger.info(
            "product price updated",
            extra={"product_id": product_id, "price_cents": price_cents},
        )
        return await self.get_product(product_id)
