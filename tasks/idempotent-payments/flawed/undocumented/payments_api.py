from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CardDeclined",
    "GatewayUnavailable",
    "PaymentGateway",
    "PaymentRequest",
    "create_app",
]

logger = logging.getLogger("payments")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key           TEXT PRIMARY KEY,
    request_hash  TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),
    status_code   INTEGER,
    response_body TEXT
);
CREATE TABLE IF NOT EXISTS payments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    amount_cents    INTEGER NOT NULL,
    currency        TEXT NOT NULL,
    charge_id       TEXT NOT NULL
);
"""
_CLAIM_KEY = (
    "INSERT INTO idempotency_keys (key, request_hash, state) "
    "VALUES (?, ?, 'in_progress')"
)
_FIND_KEY = (
    "SELECT request_hash, state, status_code, response_body "
    "FROM idempotency_keys WHERE key = ?"
)
_FINISH_KEY = (
    "UPDATE idempotency_keys SET state = 'done', status_code = ?, response_body = ? "
    "WHERE key = ?"
)
_RELEASE_KEY = "DELETE FROM idempotency_keys WHERE key = ? AND state = 'in_progress'"
_INSERT_PAYMENT = (
    "INSERT INTO payments (idempotency_key, amount_cents, currency, charge_id) "
    "VALUES (?, ?, ?, ?)"
)


class PaymentsError(Exception):
    status_code = 500
    code = "internal_error"


class IdempotencyKeyReused(PaymentsError):
    status_code = 422
    code = "idempotency_key_reused"


class RequestInProgress(PaymentsError):
    status_code = 409
    code = "request_in_progress"


class GatewayUnavailable(PaymentsError):
    status_code = 503
    code = "gateway_unavailable"


class CardDeclined(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PaymentGateway(Protocol):
    def charge(self, amount_cents: int, currency: str, source: str) -> str: ...


class PaymentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_cents: int = Field(gt=0, le=1_000_000)
    currency: Literal["USD", "EUR", "GBP"]
    source: str = Field(pattern=r"^tok_[A-Za-z0-9]{4,64}$")
    description: str | None = Field(default=None, max_length=200)


class Payment(BaseModel):
    id: str
    status: Literal["succeeded"]
    amount_cents: int
    currency: str
    charge_id: str


class ErrorInfo(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorInfo


IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
    ),
]


_REPLAYED = {"Idempotent-Replayed": "true"}


def _error_body(code: str, message: str) -> dict[str, Any]:
    return ErrorBody(error=ErrorInfo(code=code, message=message)).model_dump()


def _request_hash(payload: PaymentRequest) -> str:
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _payments_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PaymentsError)
    return JSONResponse(_error_body(exc.code, str(exc)), status_code=exc.status_code)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    return JSONResponse(_error_body("validation_error", message), status_code=422)


class IdempotencyStore:
    def __init__(self, db_path: str | Path) -> None:
        self._db_path = db_path
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self._db_path, timeout=5)) as conn, conn:
            yield conn

    def claim(self, key: str, request_hash: str) -> tuple[int, dict[str, Any]] | None:
        with self._connect() as conn:
            try:
                conn.execute(_CLAIM_KEY, (key, request_hash))
                return None
            except sqlite3.IntegrityError:
                row = conn.execute(_FIND_KEY, (key,)).fetchone()
        stored_hash, state, status_code, body = row
        if stored_hash != request_hash:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was already used with a different request body"
            )
        if state == "in_progress":
            raise RequestInProgress("a request with this Idempotency-Key is running")
        return status_code, json.loads(body)

    def release(self, key: str) -> None:
        with self._connect() as conn:
            conn.execute(_RELEASE_KEY, (key,))

    def record_decline(self, key: str, body: dict[str, Any]) -> None:
        with self._connect() as conn:
            conn.execute(_FINISH_KEY, (402, json.dumps(body), key))

    def record_payment(
        self, key: str, payload: PaymentRequest, charge_id: str
    ) -> dict[str, Any]:
        with self._connect() as conn:
            cursor = conn.execute(
                _INSERT_PAYMENT,
                (key, payload.amount_cents, payload.currency, charge_id),
            )
            body = Payment(
                id=f"pay_{cursor.lastrowid}",
                status="succeeded",
                amount_cents=payload.amount_cents,
                currency=payload.currency,
                charge_id=charge_id,
            ).model_dump()
            conn.execute(_FINISH_KEY, (201, json.dumps(body), key))
        return body


def create_app(db_path: str | Path, gateway: PaymentGateway) -> FastAPI:
    store = IdempotencyStore(db_path)
    app = FastAPI()
    app.add_exception_handler(PaymentsError, _payments_error)
    app.add_exception_handler(RequestValidationError, _validation_error)

    @app.post("/payments", status_code=201)
    def create_payment(
        payload: PaymentRequest,
        idempotency_key: IdempotencyKey,
        x_request_id: Annotated[str | None, Header(max_length=128)] = None,
    ) -> JSONResponse:
        key = idempotency_key
        request_id = x_request_id or str(uuid.uuid4())
        stored = store.claim(key, _request_hash(payload))
        if stored is not None:
            status_code, stored_body = stored
            logger.info(
                "idempotent replay",
                extra={
                    "request_id": request_id,
                    "idempotency_key": key,
                    "status_code": status_code,
                },
            )
            return JSONResponse(stored_body, status_code=status_code, headers=_REPLAYED)
        try:
            charge_id = gateway.charge(
                payload.amount_cents, payload.currency, payload.source
            )
        except CardDeclined as exc:
            body = _error_body("payment_declined", exc.reason)
            store.record_decline(key, body)
            logger.info(
                "payment declined",
                extra={
                    "request_id": request_id,
                    "idempotency_key": key,
                    "reason": exc.reason,
                },
            )
            return JSONResponse(body, status_code=402)
        except GatewayUnavailable:
            # Nothing was charged, so the key may be used again. Any other error
            # leaves it claimed: the outcome is unknown and a retry must not charge.
            store.release(key)
            logger.warning(
                "gateway unavailable; key released",
                extra={"request_id": request_id, "idempotency_key": key},
            )
            raise
        body = store.record_payment(key, payload, charge_id)
        logger.info(
            "payment created",
            extra={
                "request_id": request_id,
                "idempotency_key": key,
                "payment_id": body["id"],
                "amount_cents": payload.amount_cents,
            },
        )
        return JSONResponse(body, status_code=201)

    return app
