"""Revenue report for the sales dashboard."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date

from fastapi import Depends, FastAPI

DB_PATH = "sales.db"

app = FastAPI(title="Sales reports")


def get_db() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(DB_PATH, check_same_thread=False)
    try:
        yield conn
    finally:
        conn.close()


def build_revenue_report(
    conn: sqlite3.Connection, since: date, region: str | None = None, limit: int = 50
) -> list[dict]:
    if region:
        customers = conn.execute(
            "SELECT id, name, region FROM customers WHERE region = ?", (region,)
        ).fetchall()
    else:
        customers = conn.execute("SELECT id, name, region FROM customers").fetchall()
    report = []
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
    report.sort(key=lambda row: (-row["revenue_cents"], row["customer_id"]))
    return report[:limit]


@app.get("/reports/revenue")
def revenue_report(
    since: date,
    region: str | None = None,
    limit: int = 50,
    conn: sqlite3.Connection = Depends(get_db),
):
    return build_revenue_report(conn, since, region, limit)
