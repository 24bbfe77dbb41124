"""Product repository for the catalogue service (sqlite3).

Every query is a single string literal with bound parameters. Sorting cannot be bound
(identifiers are not parameters), so the sort key selects a ``CASE`` branch through a
bound value: no caller text ever becomes SQL.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

__all__ = [
    "InvalidSearchError",
    "Product",
    "RepositoryError",
    "SearchError",
    "search_products",
]

_SEARCH_SQL = """
SELECT id, name, category, price_cents
FROM products
WHERE (:pattern IS NULL OR name LIKE :pattern ESCAPE '\\')
  AND (:category IS NULL OR category = :category)
  AND (:min_price IS NULL OR price_cents >= :min_price)
  AND (:max_price IS NULL OR price_cents <= :max_price)
ORDER BY
  CASE WHEN :order_key = 'name:asc' THEN name END ASC,
  CASE WHEN :order_key = 'name:desc' THEN name END DESC,
  CASE WHEN :order_key = 'price:asc' THEN price_cents END ASC,
  CASE WHEN :order_key = 'price:desc' THEN price_cents END DESC,
  CASE WHEN :order_key = 'id:desc' THEN id END DESC,
  id ASC
LIMIT :limit
"""


class SearchError(Exception):
    """Base class for repository search failures."""


class InvalidSearchError(SearchError):
    """A search argument is invalid; ``field`` names the argument at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class RepositoryError(SearchError):
    """The database failed while running a search."""


@dataclass(frozen=True)
class Product:
    id: int
    name: str
    category: str
    price_cents: int


def _like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` literally anywhere in the column."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


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
    """Search the catalogue; arguments go straight to the database.

    Raises:
        RepositoryError: The database failed.
    """
    params = {
        "pattern": _like_pattern(name_contains) if name_contains else None,
        "category": category,
        "min_price": min_price,
        "max_price": max_price,
        "order_key": f"{sort_by}:{sort_dir}",
        "limit": limit,
    }
    try:
        rows = conn.execute(_SEARCH_SQL, params).fetchall()
    except sqlite3.Error as exc:
        raise RepositoryError(f"product search failed: {exc}") from exc
    return [Product(id=r[0], name=r[1], category=r[2], price_cents=r[3]) for r in rows]
