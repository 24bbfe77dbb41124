"""Activity feed API."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

__all__ = [
    "CursorError",
    "Event",
    "EventPage",
    "MissingSecretError",
    "create_app",
    "decode_cursor",
    "encode_cursor",
]

SECRET_ENV = "CURSOR_SECRET"
MAX_LIMIT = 100

# Rows strictly after the cursor position in (created_at DESC, id DESC) order.
_PAGE_SQL = """
SELECT id, kind, created_at
FROM events
WHERE (:kind IS NULL OR kind = :kind)
  AND (
    :after_created_at IS NULL
    OR created_at < :after_created_at
    OR (created_at = :after_created_at AND id < :after_id)
  )
ORDER BY created_at DESC, id DESC
LIMIT :fetch
"""


class CursorError(Exception):
    pass


class MissingSecretError(RuntimeError):
    pass


class Event(BaseModel):
    id: int
    kind: str
    created_at: str


class EventPage(BaseModel):
    items: list[Event]
    next_cursor: str | None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, payload, hashlib.sha256).digest()


def encode_cursor(secret: bytes, event: Event, kind: str | None) -> str:
    payload = json.dumps(
        {"c": event.created_at, "i": event.id, "k": kind}, separators=(",", ":")
    ).encode()
    return f"{_b64(payload)}.{_b64(_sign(secret, payload))}"


def decode_cursor(secret: bytes, cursor: str, kind: str | None) -> tuple[str, int]:
    payload_part, dot, signature_part = cursor.partition(".")
    if not dot or not payload_part or not signature_part:
        raise CursorError("cursor is malformed")
    try:
        payload = _unb64(payload_part)
        signature = _unb64(signature_part)
    except (binascii.Error, ValueError) as exc:
        raise CursorError("cursor is malformed") from exc
    # Check the signature before parsing: unsigned bytes never reach json.loads.
    if not hmac.compare_digest(signature, _sign(secret, payload)):
        raise CursorError("cursor signature does not match")
    try:
        data = json.loads(payload)
        created_at, event_id, cursor_kind = data["c"], data["i"], data["k"]
    except (ValueError, KeyError, TypeError) as exc:
        raise CursorError("cursor payload is malformed") from exc
    if not isinstance(created_at, str) or not isinstance(event_id, int):
        raise CursorError("cursor payload is malformed")
    if cursor_kind != kind:
        raise CursorError("cursor was issued for a different filter")
    return created_at, event_id


def _load_secret() -> bytes:
    secret = os.environ.get(SECRET_ENV, "")
    if len(secret) < 16:
        raise MissingSecretError(
            f"set {SECRET_ENV} to a random string of at least 16 characters"
        )
    return secret.encode()


async def _cursor_error(request: Request, exc: Exception) -> JSONResponse:
    body = {"error": {"code": "invalid_cursor", "message": str(exc)}}
    return JSONResponse(status_code=400, content=body)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    body = {"error": {"code": "validation_error", "message": message}}
    return JSONResponse(status_code=422, content=body)


def _connection(request: Request) -> Iterator[sqlite3.Connection]:
    """One connection per request, closed when the response is sent."""
    conn = sqlite3.connect(request.app.state.db_path)
    try:
        yield conn
    finally:
        conn.close()


def create_app(db_path: str | Path) -> FastAPI:
    secret = _load_secret()
    app = FastAPI()
    app.state.db_path = db_path
    app.add_exception_handler(CursorError, _cursor_error)
    app.add_exception_handler(RequestValidationError, _validation_error)

    @app.get("/events")
    def list_events(
        conn: Annotated[sqlite3.Connection, Depends(_connection)],
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
        cursor: Annotated[str | None, Query(max_length=512)] = None,
        kind: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    ) -> EventPage:
        after_created_at, after_id = (
            decode_cursor(secret, cursor, kind) if cursor is not None else (None, None)
        )
        rows = conn.execute(
            _PAGE_SQL,
            {
                "kind": kind,
                "after_created_at": after_created_at,
                "after_id": after_id,
                "fetch": limit + 1,  # one extra row tells us whether a next page exists
            },
        ).fetchall()
        items = [Event(id=r[0], kind=r[1], created_at=r[2]) for r in rows[:limit]]
        has_more = len(rows) > limit
        next_cursor = encode_cursor(secret, items[-1], kind) if has_more else None
        return EventPage(items=items, next_cursor=next_cursor)

    return app
