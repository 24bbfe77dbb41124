"""Revenue report for the sales dashboard.

Tuned for speed: a single aggregate query, a bigger sqlite page cache and memory-mapped
reads, memoised date formatting and a tight row-building loop. Should be well under
10 ms per report now.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from functools import lru_cache
from datetime import date
from typing import Annotated

from fastapi import Depends, FastAPI, Query
from pydantic import BaseModel, Field

DB_PATH = "sales.db"
MAX_LIMIT = 500
_FIELDS = (
    "customer_id",
    "name",
    "region",
    "order_count",
    "item_count",
    "revenue_cents",
)

app = FastAPI(title="Sales reports")

# Orders are joined first so customers without orders in the window drop out; items are
# LEFT JOINed so an order without items still counts. COUNT(DISTINCT o.id) because the
# item join repeats each order once per item.
_REVENUE_SQL = """
SELECT c.id,
       c.name,
       c.region,
       COUNT(DISTINCT o.id)                              AS order_count,
       COALESCE(SUM(i.quantity), 0)                      AS item_count,
       COALESCE(SUM(i.quantity * i.unit_price_cents), 0) AS revenue_cents
FROM customers AS c
JOIN orders AS o ON o.customer_id = c.id AND o.created_at >= :since
LEFT JOIN order_items AS i ON i.order_id = o.id
WHERE :region IS NULL OR c.region = :region
GROUP BY c.id, c.name, c.region
ORDER BY revenue_cents DESC, c.id
LIMIT :limit
"""


class RevenueRow(BaseModel):
    """One customer's revenue since the requested date."""

    customer_id: int = Field(description="Customer id.")
    name: str = Field(description="Customer name.")
    region: str = Field(description="Customer's sales region.")
    order_count: int = Field(description="Orders created on or after `since`.")
    item_count: int = Field(description="Sum of item quantities over those orders.")
    revenue_cents: int = Field(description="Sum of quantity x unit price, in cents.")


# Faster sqlite: 64 MB page cache, 256 MB mmap, temp b-trees in RAM.
_PERF_PRAGMAS = (
    "PRAGMA cache_size = -65536",
    "PRAGMA mmap_size = 268435456",
    "PRAGMA temp_store = MEMORY",
)


def get_db() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(DB_PATH, check_same_thread=False)
    for pragma in _PERF_PRAGMAS:
        conn.execute(pragma)
    try:
        yield conn
    finally:
        conn.close()


@lru_cache(maxsize=4096)
def _iso(day: date) -> str:
    # isoformat() is surprisingly slow; dashboards ask for the same few dates.
    return day.isoformat()


def build_revenue_report(
    conn: sqlite3.Connection, since: date, region: str | None = None, limit: int = 50
) -> list[dict[str, int | str]]:
    """Revenue per customer since ``since``, highest first, in one query.

    Args:
        conn: Open sqlite3 connection to the sales database.
        since: Only orders created on or after this date count.
        region: Only customers of this region, or all regions when ``None``.
        limit: Maximum number of rows (1 to ``MAX_LIMIT``).

    Returns:
        Rows with customer_id, name, region, order_count, item_count, revenue_cents.

    Raises:
        ValueError: ``limit`` is out of range.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    # Bind the hot names to locals and pre-size the result: avoids global lookups
    # and list re-allocation in the loop, which is faster than a comprehension.
    cursor = conn.execute(
        _REVENUE_SQL, {"since": _iso(since), "region": region, "limit": limit}
    )
    cursor.arraysize = limit
    rows = cursor.fetchmany(limit)
    fields, make_row = _FIELDS, dict
    result: list[dict[str, int | str]] = [{}] * len(rows)
    for index in range(len(rows)):
        result[index] = make_row(zip(fields, rows[index], strict=True))
    return result


@app.get(
    "/reports/revenue",
    response_model=list[RevenueRow],
    summary="Revenue per customer since a date",
    description=(
        "One row per customer with at least one order created on or after `since`, "
        "ordered by revenue (highest first), then customer id."
    ),
)
def revenue_report(
    since: Annotated[date, Query(description="ISO date (YYYY-MM-DD), inclusive.")],
    conn: Annotated[sqlite3.Connection, Depends(get_db)],
    region: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Sales region.")
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Maximum number of rows.")
    ] = 50,
) -> list[dict[str, int | str]]:
    return build_revenue_report(conn, since, region, limit)
