"""Orders API: v1 and v2 over the shared service layer."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

import service
from service import InvalidQueryError, Order, OrderNotFoundError, Status

DB_PATH = "orders.db"

app = FastAPI()


def get_db() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(DB_PATH, check_same_thread=False)
    try:
        yield conn
    finally:
        conn.close()


Db = Annotated[sqlite3.Connection, Depends(get_db)]

# --- v1 (frozen contract) ---------------------------------------------------------


class OrderV1(BaseModel):
    id: int
    customer: str
    status: str
    total: str


def _to_v1(order: Order) -> OrderV1:
    return OrderV1(
        id=order.id,
        customer=order.customer_name,
        status=order.status,
        total=f"{order.total_cents / 100:.2f}",
    )


v1 = APIRouter(prefix="/v1")


@v1.get("/orders/{order_id}")
def get_order_v1(order_id: int, conn: Db) -> OrderV1:
    try:
        return _to_v1(service.get_order(conn, order_id))
    except OrderNotFoundError as exc:
        raise HTTPException(status_code=404, detail="Order not found") from exc


@v1.get("/orders")
def list_orders_v1(customer_id: int, conn: Db) -> list[OrderV1]:
    return [_to_v1(order) for order in service.customer_orders(conn, customer_id)]


# --- v2 ---------------------------------------------------------------------------


class CustomerV2(BaseModel):
    id: int
    name: str


class ItemV2(BaseModel):
    sku: str
    quantity: int
    unit_price_cents: int


class OrderV2(BaseModel):
    id: int
    status: Status
    created_at: str
    customer: CustomerV2
    items: list[ItemV2]
    total_cents: int
    currency: Literal["USD"] = "USD"


class OrderPageV2(BaseModel):
    data: list[OrderV2]
    next_offset: int | None


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorV2(BaseModel):
    error: ErrorDetail


def _to_v2(order: Order) -> OrderV2:
    return OrderV2(
        id=order.id,
        status=order.status,  # type: ignore[arg-type]  # checked by the model
        created_at=order.created_at,
        customer=CustomerV2(id=order.customer_id, name=order.customer_name),
        items=[ItemV2(**vars(item)) for item in order.items],
        total_cents=order.total_cents,
    )


def _error_v2(status_code: int, code: str, message: str) -> JSONResponse:
    body = ErrorV2(error=ErrorDetail(code=code, message=message))
    return JSONResponse(status_code=status_code, content=body.model_dump())


v2 = APIRouter(prefix="/v2")


@v2.get("/orders/{order_id}")
def get_order_v2(order_id: Annotated[int, Path(gt=0)], conn: Db) -> OrderV2:
    return _to_v2(service.get_order(conn, order_id))


@v2.get("/orders")
def list_orders_v2(
    conn: Db,
    customer_id: Annotated[int | None, Query(gt=0)] = None,
    status: Annotated[Status | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> OrderPageV2:
    page = service.list_orders(
        conn, customer_id=customer_id, status=status, limit=limit, offset=offset
    )
    data = [_to_v2(order) for order in page.orders]
    return OrderPageV2(data=data, next_offset=page.next_offset)


app.include_router(v1)
app.include_router(v2)


@app.exception_handler(OrderNotFoundError)
async def order_not_found(request: Request, exc: OrderNotFoundError) -> JSONResponse:
    return _error_v2(404, "order_not_found", str(exc))


@app.exception_handler(InvalidQueryError)
async def invalid_query(request: Request, exc: InvalidQueryError) -> JSONResponse:
    return _error_v2(422, "validation_error", str(exc))


@app.exception_handler(RequestValidationError)
async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    if not request.url.path.startswith("/v2/"):
        # v1 keeps FastAPI's default body: clients in the field parse it.
        return await request_validation_exception_handler(request, exc)
    fields = ", ".join(".".join(str(p) for p in err["loc"]) for err in exc.errors())
    return _error_v2(422, "validation_error", f"invalid parameter(s): {fields}")
