from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, FastAPI, Query

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

app = FastAPI()

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


def get_db() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(DB_PATH, check_same_thread=False)
    try:
        yield conn
    finally:
        conn.close()


def build_revenue_report(
    conn: sqlite3.Connection, since: date, region: str | None = None, limit: int = 50
) -> list[dict[str, int | str]]:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    rows = conn.execute(
        _REVENUE_SQL,
        {"since": since.isoformat(), "region": region, "limit": limit},
    ).fetchall()
    return [dict(zip(_FIELDS, row, strict=True)) for row in rows]


@app.get("/reports/revenue")
def revenue_report(
    since: date,
    conn: Annotated[sqlite3.Connection, Depends(get_db)],
    region: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> list[dict[str, int | str]]:
    return build_revenue_report(conn, since, region, limit)
