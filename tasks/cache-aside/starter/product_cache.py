"""Product catalogue access. Every read goes to sqlite today; the catalogue page is slow."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    id: int
    sku: str
    name: str
    price_cents: int


class ProductRepository:
    """Synchronous sqlite3 access to ``products(id, sku, name, price_cents)``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, product_id: int) -> Product | None:
        row = self._conn.execute(
            "SELECT id, sku, name, price_cents FROM products WHERE id = ?", (product_id,)
        ).fetchone()
        return Product(*row) if row else None


class ProductService:
    """Used by the async API handlers."""

    def __init__(self, repo: ProductRepository) -> None:
        self._repo = repo

    async def get_product(self, product_id: int) -> Product | None:
        return self._repo.get(product_id)
