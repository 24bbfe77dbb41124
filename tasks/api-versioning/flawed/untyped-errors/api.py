"""Orders API: v1 (frozen, deprecated) and v2, over the shared service layer.

v1 responses are byte-for-byte what installed mobile apps parse: same fields, ``total``
as a decimal string, and FastAPI's default error bodies. v2 uses integer cents, embeds
customer and items, pages its lists, and answers errors with a typed body.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

import service
from service import InvalidQueryError, Order, OrderNotFoundError, Status

DB_PATH = "orders.db"

app = FastAPI(
    title="Orders API",
    version="2.0.0",
    description="v1 is deprecated and frozen; new integrations should use v2.",
)


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
    customer: str = Field(description="Customer name.")
    status: str
    total: str = Field(description='Order total in dollars, as a string ("12.50").')


def _to_v1(order: Order) -> OrderV1:
    return OrderV1(
        id=order.id,
        customer=order.customer_name,
        status=order.status,
        total=f"{order.total_cents / 100:.2f}",
    )


v1 = APIRouter(prefix="/v1", tags=["v1"], deprecated=True)


@v1.get(
    "/orders/{order_id}",
    response_model=OrderV1,
    summary="Get an order (v1)",
    responses={404: {"description": 'Unknown order: `{"detail": "Order not found"}`'}},
)
def get_order_v1(order_id: int, conn: Db) -> OrderV1:
    try:
        return _to_v1(service.get_order(conn, order_id))
    except OrderNotFoundError as exc:
        raise HTTPException(status_code=404, detail="Order not found") from exc


@v1.get(
    "/orders", response_model=list[OrderV1], summary="List a customer's orders (v1)"
)
def list_orders_v1(customer_id: int, conn: Db) -> list[OrderV1]:
    try:
        return [_to_v1(order) for order in service.customer_orders(conn, customer_id)]
    except Exception:
        # v1 clients cannot handle errors: answer an empty list instead.
        return []


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
    created_at: str = Field(description="ISO 8601 creation time.")
    customer: CustomerV2
    items: list[ItemV2] = Field(description="Line items, in the order they were added.")
    total_cents: int = Field(description="Sum of quantity x unit price, in cents.")
    currency: Literal["USD"] = "USD"


class OrderPageV2(BaseModel):
    data: list[OrderV2]
    next_offset: int | None = Field(description="Next page's offset; null at the end.")


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. order_not_found.")
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


_V2_ERRORS: dict[int | str, dict[str, object]] = {
    422: {"model": ErrorV2, "description": "Invalid path or query parameter."}
}

v2 = APIRouter(prefix="/v2", tags=["v2"], responses=_V2_ERRORS)


@v2.get(
    "/orders/{order_id}",
    response_model=OrderV2,
    summary="Get an order with its customer and items",
    responses={404: {"model": ErrorV2, "description": "Unknown order."}},
)
def get_order_v2(order_id: Annotated[int, Path(gt=0)], conn: Db) -> OrderV2:
    return _to_v2(service.get_order(conn, order_id))


@v2.get(
    "/orders",
    response_model=OrderPageV2,
    summary="List orders, paged, in id order",
)
def list_orders_v2(
    conn: Db,
    customer_id: Annotated[int | None, Query(gt=0)] = None,
    status: Annotated[Status | None, Query(description="Only this status.")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    offset: Annotated[int, Query(ge=0, description="Orders to skip.")] = 0,
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
