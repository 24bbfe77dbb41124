"""Revenue report for the sales dashboard.

The endpoint validates its parameters and documents its response shape.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, FastAPI, Query
from pydantic import BaseModel, Field

DB_PATH = "sales.db"
MAX_LIMIT = 500

app = FastAPI(title="Sales reports")

class RevenueRow(BaseModel):
    """One customer's revenue since the requested date."""

    customer_id: int = Field(description="Customer id.")
    name: str = Field(description="Customer name.")
    region: str = Field(description="Customer's sales region.")
    order_count: int = Field(description="Orders created on or after `since`.")
    item_count: int = Field(description="Sum of item quantities over those orders.")
    revenue_cents: int = Field(description="Sum of quantity x unit price, in cents.")


def get_db() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(DB_PATH, check_same_thread=False)
    try:
        yield conn
    finally:
        conn.close()


def build_revenue_report(
    conn: sqlite3.Connection, since: date, region: str | None = None, limit: int = 50
) -> list[dict[str, int | str]]:
    """Revenue per customer since ``since``, highest first.

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
    customers = conn.execute(
        "SELECT id, name, region FROM customers"
        " WHERE :region IS NULL OR region = :region",
        {"region": region},
    ).fetchall()
    report: list[dict[str, int | str]] = []
    for customer_id, name, customer_region in customers:
        orders = conn.execute(
            "SELECT id FROM orders WHERE customer_id = ? AND created_at >= ?",
            (customer_id, since.isoformat()),
        ).fetchall()
        if not orders:
            continue
        item_count = 0
        revenue_cents = 0
        for (order_id,) in orders:
            items = conn.execute(
                "SELECT quantity, unit_price_cents FROM order_items WHERE order_id = ?",
                (order_id,),
            )
            for quantity, unit_price_cents in items:
                item_count += quantity
                revenue_cents += quantity * unit_price_cents
        report.append(
            {
                "customer_id": customer_id,
                "name": name,
                "region": customer_region,
                "order_count": len(orders),
                "item_count": item_count,
                "revenue_cents": revenue_cents,
            }
        )
    report.sort(key=lambda row: (-int(row["revenue_cents"]), int(row["customer_id"])))
    return report[:limit]


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
