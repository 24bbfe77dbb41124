"""Orders API, version 1. Mobile apps in the field depend on these exact responses."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from fastapi import Depends, FastAPI, HTTPException

DB_PATH = "orders.db"

app = FastAPI(title="Orders API")


def get_db() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(DB_PATH, check_same_thread=False)
    try:
        yield conn
    finally:
        conn.close()


def _v1(row: tuple) -> dict:
    order_id, customer_name, status, total_cents = row
    return {
        "id": order_id,
        "customer": customer_name,
        "status": status,
        "total": f"{total_cents / 100:.2f}",
    }


_V1_SELECT = """
SELECT o.id, c.name, o.status,
       (SELECT COALESCE(SUM(quantity * unit_price_cents), 0)
        FROM order_items WHERE order_id = o.id)
FROM orders o JOIN customers c ON c.id = o.customer_id
"""


@app.get("/v1/orders/{order_id}")
def get_order_v1(order_id: int, conn: sqlite3.Connection = Depends(get_db)):
    row = conn.execute(_V1_SELECT + " WHERE o.id = ?", (order_id,)).fetchone()
    if row is None:
        raise HTTPException(status_code=404, detail="Order not found")
    return _v1(row)


@app.get("/v1/orders")
def list_orders_v1(customer_id: int, conn: sqlite3.Connection = Depends(get_db)):
    rows = conn.execute(
        _V1_SELECT + " WHERE o.customer_id = ? ORDER BY o.id", (customer_id,)
    ).fetchall()
    return [_v1(row) for row in rows]
