"""Product repository for the catalogue service (sqlite3)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    id: int
    name: str
    category: str
    price_cents: int


def search_products(
    conn: sqlite3.Connection,
    *,
    name_contains: str | None = None,
    category: str | None = None,
    min_price: int | None = None,
    max_price: int | None = None,
    sort_by: str = "name",
    sort_dir: str = "asc",
    limit: int = 50,
) -> list[Product]:
    raise NotImplementedError
