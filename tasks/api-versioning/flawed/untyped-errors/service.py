"""The orders service layer shared by every API version.

Handlers call these functions and shape the result for their version; SQL lives only
here. Reads of a page of orders take two queries whatever the page size: one for the
orders, one for all their items.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

Status = Literal["pending", "paid", "shipped", "cancelled"]
STATUSES: tuple[str, ...] = get_args(Status)


class OrdersError(Exception):
    """Base class for service errors."""


class OrderNotFoundError(OrdersError):
    def __init__(self, order_id: int) -> None:
        super().__init__(f"order {order_id} does not exist")
        self.order_id = order_id


class InvalidQueryError(OrdersError, ValueError):
    """A filter or paging argument is out of range."""


@dataclass(frozen=True)
class Item:
    sku: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True)
class Order:
    id: int
    status: str
    created_at: str
    customer_id: int
    customer_name: str
    items: tuple[Item, ...]

    @property
    def total_cents(self) -> int:
        return sum(i.quantity * i.unit_price_cents for i in self.items)


@dataclass(frozen=True)
class OrderPage:
    orders: list[Order]
    next_offset: int | None


_ITEMS_SQL = (
    "SELECT order_id, sku, quantity, unit_price_cents FROM order_items"
    " WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY order_id, id"
)
_ORDER_BY_ID_SQL = (
    "SELECT o.id, o.status, o.created_at, c.id, c.name"
    " FROM orders AS o JOIN customers AS c ON c.id = o.customer_id"
    " WHERE o.id = ?"
)
_CUSTOMER_ORDERS_SQL = (
    "SELECT o.id, o.status, o.created_at, c.id, c.name"
    " FROM orders AS o JOIN customers AS c ON c.id = o.customer_id"
    " WHERE o.customer_id = ? ORDER BY o.id"
)
_ORDER_PAGE_SQL = (
    "SELECT o.id, o.status, o.created_at, c.id, c.name"
    " FROM orders AS o JOIN customers AS c ON c.id = o.customer_id"
    " WHERE (:customer_id IS NULL OR o.customer_id = :customer_id)"
    " AND (:status IS NULL OR o.status = :status)"
    " ORDER BY o.id LIMIT :limit OFFSET :offset"
)


_OrderRow = tuple[int, str, str, int, str]


def _attach_items(conn: sqlite3.Connection, rows: Sequence[_OrderRow]) -> list[Order]:
    """Build orders from order rows, loading all their items in one query."""
    if not rows:
        return []
    ids = [row[0] for row in rows]
    items: dict[int, list[Item]] = {order_id: [] for order_id in ids}
    # The ids travel as one JSON array parameter: no bound-parameter limit to hit.
    for order_id, sku, quantity, price in conn.execute(_ITEMS_SQL, (json.dumps(ids),)):
        items[order_id].append(Item(sku, quantity, price))
    return [
        Order(oid, status, created, cid, cname, tuple(items[oid]))
        for oid, status, created, cid, cname in rows
    ]


def get_order(conn: sqlite3.Connection, order_id: int) -> Order:
    """Return one order with its items. Raises :class:`OrderNotFoundError`."""
    row = conn.execute(_ORDER_BY_ID_SQL, (order_id,)).fetchone()
    if row is None:
        raise OrderNotFoundError(order_id)
    return _attach_items(conn, [row])[0]


def customer_orders(conn: sqlite3.Connection, customer_id: int) -> list[Order]:
    """Every order of one customer, in id order (unpaged: the v1 contract)."""
    rows = conn.execute(_CUSTOMER_ORDERS_SQL, (customer_id,)).fetchall()
    return _attach_items(conn, rows)


def list_orders(
    conn: sqlite3.Connection,
    *,
    customer_id: int | None = None,
    status: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> OrderPage:
    """A page of orders in id order, optionally filtered by customer and status.

    Raises:
        InvalidQueryError: ``status`` is unknown, ``limit`` is outside 1-100 or
            ``offset`` is negative.
    """
    if status is not None and status not in STATUSES:
        raise InvalidQueryError(f"status must be one of {', '.join(STATUSES)}")
    if not 1 <= limit <= 100:
        raise InvalidQueryError("limit must be between 1 and 100")
    if offset < 0:
        raise InvalidQueryError("offset must be >= 0")
    # Fetch one extra row to know whether another page exists.
    params = {
        "customer_id": customer_id,
        "status": status,
        "limit": limit + 1,
        "offset": offset,
    }
    rows = conn.execute(_ORDER_PAGE_SQL, params).fetchall()
    has_more = len(rows) > limit
    orders = _attach_items(conn, rows[:limit])
    return OrderPage(orders, offset + limit if has_more else None)
