"""Orders API with request-id correlation and JSON logs.

Every request gets a request id: the caller's ``X-Request-ID`` when it is well formed,
a fresh one otherwise. The id lives in a context variable for the duration of the
request, is stamped on every log record by :class:`RequestIdFilter`, and is echoed in
the ``X-Request-ID`` response header and in error bodies.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import IO, Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits, '.', '_' and '-' only: safe in headers and log lines alike.
_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{8,64}")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

log = logging.getLogger("orders")
access_log = logging.getLogger("orders.access")

# Attributes every LogRecord has; anything else on a record came in through `extra`.
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def new_request_id() -> str:
    return uuid.uuid4().hex


def is_valid_request_id(value: str) -> bool:
    return _REQUEST_ID_RE.fullmatch(value) is not None


class RequestIdFilter(logging.Filter):
    """Stamps the current request id (or ``None``) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: standard fields plus everything passed as ``extra``."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in payload:
                payload[key] = value
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


class _JsonLinesHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler :func:`configure_logging` installs (a second call replaces it)."""


def configure_logging(stream: IO[str] | None = None, level: int = logging.INFO) -> None:
    """Send the ``orders`` loggers to ``stream`` as JSON lines (idempotent)."""
    logger = logging.getLogger("orders")
    for old in [h for h in logger.handlers if isinstance(h, _JsonLinesHandler)]:
        logger.removeHandler(old)
    handler = _JsonLinesHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


class RequestIdMiddleware:
    """Pure ASGI middleware: the context variable is visible to the whole request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        incoming = headers.get(REQUEST_ID_HEADER)
        # Every header and the raw query string go into the access log so support can
        # replay a customer's call (the request id already has its own field).
        request_headers = {
            name: value for name, value in headers.items() if name != "x-request-id"
        }
        if incoming is not None and is_valid_request_id(incoming):
            request_id = incoming
        else:
            request_id = new_request_id()
        token = request_id_var.set(request_id)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            if incoming is not None and incoming != request_id:
                # Never log the rejected value itself: it is attacker-controlled.
                access_log.warning(
                    "invalid request id replaced",
                    extra={"rejected_length": len(incoming)},
                )
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "request completed",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "query": scope.get("query_string", b"").decode("latin-1"),
                    "headers": request_headers,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)


# --- the orders domain -----------------------------------------------------------

INVENTORY: dict[str, int] = {"SKU-1": 100, "SKU-2": 0}
_order_ids = itertools.count(1)


class OrderError(Exception):
    status_code = 400
    code = "order_error"


class UnknownSkuError(OrderError):
    status_code = 404
    code = "unknown_sku"


class InsufficientStockError(OrderError):
    status_code = 409
    code = "insufficient_stock"


def reserve_stock(sku: str, quantity: int) -> int:
    """Take ``quantity`` units of ``sku`` from stock and return the new order id."""
    available = INVENTORY.get(sku)
    if available is None:
        raise UnknownSkuError(f"unknown sku {sku}")
    if available < quantity:
        raise InsufficientStockError(f"only {available} units of {sku} left")
    INVENTORY[sku] = available - quantity
    return next(_order_ids)


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(pattern=r"^[A-Z0-9-]{3,32}$", description="Stock keeping unit.")
    quantity: int = Field(ge=1, le=100, description="Units to order (1-100).")


class OrderOut(BaseModel):
    order_id: int
    sku: str
    quantity: int
    request_id: str


app = FastAPI(title="Orders")
app.add_middleware(RequestIdMiddleware)


def _error(status: int, code: str, message: str, **more: Any) -> JSONResponse:
    body = {
        "error": code,
        "message": message,
        "request_id": request_id_var.get(),
        **more,
    }
    return JSONResponse(status_code=status, content=jsonable_encoder(body))


@app.exception_handler(OrderError)
async def order_error_handler(request: Request, exc: OrderError) -> JSONResponse:
    log.warning("order rejected", extra={"error": exc.code, "path": request.url.path})
    return _error(exc.status_code, exc.code, str(exc))


@app.exception_handler(RequestValidationError)
async def validation_error_handler(
    request: Request, exc: RequestValidationError
) -> JSONResponse:
    log.info("request validation failed", extra={"errors": len(exc.errors())})
    details = [
        {"loc": list(err["loc"]), "msg": err["msg"], "type": err["type"]}
        for err in exc.errors()
    ]
    return _error(422, "validation_error", "invalid request", details=details)


@app.post("/orders", status_code=201, response_model=OrderOut)
async def create_order(order: OrderIn) -> OrderOut:
    order_id = reserve_stock(order.sku, order.quantity)
    log.info(
        "order accepted",
        extra={"order_id": order_id, "sku": order.sku, "quantity": order.quantity},
    )
    request_id = request_id_var.get() or ""
    return OrderOut(
        order_id=order_id, sku=order.sku, quantity=order.quantity, request_id=request_id
    )
