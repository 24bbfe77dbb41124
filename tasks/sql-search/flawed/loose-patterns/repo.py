"""Product repository for the catalogue service (sqlite3).

Every query is a single string literal with bound parameters. Sort options and
categories are checked with regular expressions before they are used.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

__all__ = [
    "InvalidSearchError",
    "Product",
    "RepositoryError",
    "SearchError",
    "search_products",
]

SORT_BY_RE = re.compile(r"^(id|name|price)$")
SORT_DIR_RE = re.compile(r"^(asc|desc)$")
CATEGORY_RE = re.compile(r"[a-z][a-z0-9-]*")
MAX_LIMIT = 100
MAX_NAME_LENGTH = 100

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
    """The database failed while running a valid search."""


@dataclass(frozen=True)
class Product:
    id: int
    name: str
    category: str
    price_cents: int


def _check_price(field: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidSearchError(field, "must be an integer number of cents")
    if value < 0:
        raise InvalidSearchError(field, "must not be negative")
    return value


def _check_text(field: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidSearchError(field, "must be a string")
    if not value or len(value) > MAX_NAME_LENGTH:
        raise InvalidSearchError(field, f"must be 1 to {MAX_NAME_LENGTH} characters")
    return value


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
    """Search the catalogue.

    Args:
        conn: Open connection to a database holding the ``products`` table.
        name_contains: Case-insensitive substring of the name; ``%`` and ``_`` match
            themselves.
        category: Exact category.
        min_price: Inclusive lower bound, in cents.
        max_price: Inclusive upper bound, in cents.
        sort_by: One of ``id``, ``name``, ``price``.
        sort_dir: ``asc`` or ``desc``. Ties are broken by ascending id.
        limit: Maximum number of rows, 1 to 100.

    Returns:
        The matching products, in the requested order.

    Raises:
        InvalidSearchError: An argument is out of range or not allowlisted.
        RepositoryError: The database failed.
    """
    name = _check_text("name_contains", name_contains)
    category = _check_text("category", category)
    if category is not None and not CATEGORY_RE.match(category):
        raise InvalidSearchError("category", "must be a lowercase slug")
    low = _check_price("min_price", min_price)
    high = _check_price("max_price", max_price)
    if low is not None and high is not None and low > high:
        raise InvalidSearchError("min_price", "must not exceed max_price")
    if not isinstance(sort_by, str) or not SORT_BY_RE.match(sort_by):
        raise InvalidSearchError("sort_by", "must be one of id, name, price")
    if not isinstance(sort_dir, str) or not SORT_DIR_RE.match(sort_dir):
        raise InvalidSearchError("sort_dir", "must be 'asc' or 'desc'")
    limit_is_int = isinstance(limit, int) and not isinstance(limit, bool)
    if not limit_is_int or not 1 <= limit <= MAX_LIMIT:
        raise InvalidSearchError("limit", f"must be an integer from 1 to {MAX_LIMIT}")

    params = {
        "pattern": _like_pattern(name) if name is not None else None,
        "category": category,
        "min_price": low,
        "max_price": high,
        "order_key": f"{sort_by}:{sort_dir}",
        "limit": limit,
    }
    try:
        rows = conn.execute(_SEARCH_SQL, params).fetchall()
    except sqlite3.Error as exc:
        raise RepositoryError(f"product search failed: {exc}") from exc
    return [Product(id=r[0], name=r[1], category=r[2], price_cents=r[3]) for r in rows]
