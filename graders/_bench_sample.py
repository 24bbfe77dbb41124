"""A realistic ~300-line service module for ``evals bench graders``.

An orders API (FastAPI, pydantic, a sqlite repository, an httpx payments client, JSON
logs with a request-id filter). It is mostly clean, with one realistic flaw: the async
``pay_order`` endpoint calls the synchronous sqlite repository, so the graders do real
work (evidence included), not only the fast pass path.
"""

from __future__ import annotations

__all__ = ["SAMPLE", "SAMPLE_PATH"]

SAMPLE_PATH = "orders_service.py"

SAMPLE = '''"""Orders service: FastAPI endpoints over a sqlite repository, with JSON logs."""

from __future__ import annotations

import contextvars
import json
import logging
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import httpx
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Stamp every record with the current request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the structured fields passed via ``extra``."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            payload.update(fields)
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def configure_logging(level: str = "INFO") -> logging.Logger:
    logger = logging.getLogger("orders")
    if not any(isinstance(f, RequestIdFilter) for f in logger.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.addFilter(RequestIdFilter())
    logger.setLevel(level)
    logger.propagate = False
    return logger


log = configure_logging(os.environ.get("LOG_LEVEL", "INFO"))


class OrdersError(Exception):
    """Base of the service's typed errors."""

    status_code = 500
    code = "internal"


class NotFoundError(OrdersError):
    status_code = 404
    code = "not_found"


class OutOfStockError(OrdersError):
    status_code = 409
    code = "out_of_stock"


class PaymentError(OrdersError):
    status_code = 502
    code = "payment_failed"


@dataclass(frozen=True)
class Product:
    id: int
    sku: str
    name: str
    price_cents: int
    stock: int


@dataclass(frozen=True)
class Order:
    id: int
    customer_id: int
    product_id: int
    quantity: int
    total_cents: int
    status: str


class OrderIn(BaseModel):
    customer_id: int = Field(gt=0)
    sku: str = Field(pattern=r"^[A-Z0-9-]{3,32}$")
    quantity: int = Field(ge=1, le=100)


class OrderOut(BaseModel):
    id: int
    status: str
    total: Decimal


class Repository:
    """sqlite access; every query is parameterized."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.conn.row_factory = sqlite3.Row

    def product_by_sku(self, sku: str) -> Product:
        row = self.conn.execute(
            "SELECT id, sku, name, price_cents, stock FROM products WHERE sku = ?", (sku,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"unknown sku {sku}")
        return Product(**dict(row))

    def create_order(self, customer_id: int, product: Product, quantity: int) -> Order:
        if product.stock < quantity:
            raise OutOfStockError(f"{product.sku}: {product.stock} left, {quantity} wanted")
        total = product.price_cents * quantity
        with self.conn:
            self.conn.execute(
                "UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ?",
                (quantity, product.id, quantity),
            )
            cur = self.conn.execute(
                "INSERT INTO orders (customer_id, product_id, quantity, total_cents, status)"
                " VALUES (?, ?, ?, ?, 'pending')",
                (customer_id, product.id, quantity, total),
            )
        return Order(cur.lastrowid or 0, customer_id, product.id, quantity, total, "pending")

    def get_order(self, order_id: int) -> Order:
        row = self.conn.execute(
            "SELECT id, customer_id, product_id, quantity, total_cents, status"
            " FROM orders WHERE id = ?",
            (order_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"order {order_id}")
        return Order(**dict(row))

    def set_status(self, order_id: int, status: str) -> None:
        with self.conn:
            self.conn.execute("UPDATE orders SET status = ? WHERE id = ?", (status, order_id))

    def list_orders(self, customer_id: int, limit: int, after: int) -> list[Order]:
        rows = self.conn.execute(
            "SELECT id, customer_id, product_id, quantity, total_cents, status FROM orders"
            " WHERE customer_id = ? AND id > ? ORDER BY id LIMIT ?",
            (customer_id, after, limit),
        ).fetchall()
        return [Order(**dict(r)) for r in rows]

    def revenue_by_product(self) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT p.sku, SUM(o.total_cents) AS revenue FROM orders o"
            " JOIN products p ON p.id = o.product_id WHERE o.status = 'paid' GROUP BY p.sku"
        ).fetchall()
        return {r["sku"]: r["revenue"] for r in rows}


class PaymentsClient:
    """Async client for the payment provider; the key comes from the environment."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self._base_url = base_url
        self._timeout = timeout
        self._api_key = os.environ["PAYMENTS_API_KEY"]

    async def charge(self, order: Order) -> str:
        headers = {"Authorization": f"Bearer {self._api_key}", "Idempotency-Key": str(order.id)}
        async with httpx.AsyncClient(base_url=self._base_url, timeout=self._timeout) as client:
            try:
                resp = await client.post(
                    "/charges",
                    json={"amount": order.total_cents, "order": order.id},
                    headers=headers,
                )
                resp.raise_for_status()
            except httpx.HTTPError as exc:
                raise PaymentError(f"charge for order {order.id} failed") from exc
        return str(resp.json()["id"])


DB_PATH = os.environ.get("ORDERS_DB", "orders.db")


@contextmanager
def connect() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(DB_PATH)
    try:
        yield conn
    finally:
        conn.close()


def get_repo() -> Iterator[Repository]:
    with connect() as conn:
        yield Repository(conn)


def get_payments() -> PaymentsClient:
    return PaymentsClient(os.environ.get("PAYMENTS_URL", "https://payments.internal"))


app = FastAPI(title="orders")


@app.middleware("http")
async def request_context(request: Request, call_next):
    incoming = request.headers.get("X-Request-ID", "")
    rid = incoming if 8 <= len(incoming) <= 64 and incoming.isalnum() else uuid.uuid4().hex
    token = request_id_var.set(rid)
    started = time.perf_counter()
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["X-Request-ID"] = rid
    log.info(
        "request.done",
        extra={"fields": {"path": request.url.path, "ms": (time.perf_counter() - started) * 1e3}},
    )
    return response


@app.exception_handler(OrdersError)
async def orders_error(request: Request, exc: OrdersError) -> JSONResponse:
    log.warning("request.failed", extra={"fields": {"code": exc.code, "path": request.url.path}})
    return JSONResponse(
        {"error": exc.code, "detail": str(exc), "request_id": request_id_var.get()},
        status_code=exc.status_code,
    )


@app.post("/orders", status_code=201)
def create_order(body: OrderIn, repo: Repository = Depends(get_repo)) -> OrderOut:
    product = repo.product_by_sku(body.sku)
    order = repo.create_order(body.customer_id, product, body.quantity)
    log.info("order.created", extra={"fields": {"order_id": order.id, "sku": body.sku}})
    return OrderOut(id=order.id, status=order.status, total=Decimal(order.total_cents) / 100)


@app.post("/orders/{order_id}/pay")
async def pay_order(
    order_id: int,
    repo: Repository = Depends(get_repo),
    payments: PaymentsClient = Depends(get_payments),
) -> OrderOut:
    order = repo.get_order(order_id)
    if order.status != "pending":
        raise HTTPException(status_code=409, detail=f"order is {order.status}")
    charge_id = await payments.charge(order)
    repo.set_status(order.id, "paid")
    log.info("order.paid", extra={"fields": {"order_id": order.id, "charge": charge_id}})
    return OrderOut(id=order.id, status="paid", total=Decimal(order.total_cents) / 100)


@app.get("/customers/{customer_id}/orders")
def list_orders(
    customer_id: int,
    limit: int = Query(20, ge=1, le=100),
    after: int = Query(0, ge=0),
    repo: Repository = Depends(get_repo),
) -> list[OrderOut]:
    orders = repo.list_orders(customer_id, limit, after)
    return [OrderOut(id=o.id, status=o.status, total=Decimal(o.total_cents) / 100) for o in orders]


@app.get("/reports/revenue")
def revenue(repo: Repository = Depends(get_repo)) -> dict[str, str]:
    return {sku: f"{cents / 100:.2f}" for sku, cents in repo.revenue_by_product().items()}


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
'''
