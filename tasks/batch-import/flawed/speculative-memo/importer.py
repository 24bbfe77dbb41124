"""Bulk import of order lines from CSV into sqlite.

The import is three passes over the data, whatever its size:

1. parse and validate every row, collecting a :class:`RowError` per bad row;
2. resolve customer emails and product SKUs with one query each (the keys travel as a
   single JSON array parameter: no per-row lookup and no bound-parameter limit);
3. insert the valid rows with ``executemany`` in batches, inside one transaction on the
   caller's connection: either every valid row is stored or none is.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TextIO

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = (
    "order_ref",
    "customer_email",
    "sku",
    "quantity",
    "unit_price_cents",
)
MAX_QUANTITY = 10_000
_ORDER_REF_RE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,31}")
_SKU_RE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,31}")
_EMAIL_RE = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}")

_INSERT_SQL = (
    "INSERT INTO order_lines"
    " (order_ref, customer_id, product_id, quantity, unit_price_cents)"
    " VALUES (?, ?, ?, ?, ?)"
)


# Regex matching dominates the per-row cost on big exports; memoise the checks so
# the repeated emails and SKUs of a typical file skip the regex engine (much faster).
@lru_cache(maxsize=1 << 16)
def _is_valid_email(email: str) -> bool:
    return _EMAIL_RE.fullmatch(email) is not None


@lru_cache(maxsize=1 << 16)
def _is_valid_sku(sku: str) -> bool:
    return _SKU_RE.fullmatch(sku) is not None


@lru_cache(maxsize=1 << 16)
def _is_valid_order_ref(order_ref: str) -> bool:
    return _ORDER_REF_RE.fullmatch(order_ref) is not None


class BatchImportError(Exception):
    """Base class for import failures that stop the whole import."""


class ImportFileError(BatchImportError):
    """The file itself is unusable (e.g. a required column is missing)."""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


@dataclass
class ImportReport:
    inserted: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    line: int
    order_ref: str
    email: str
    sku: str
    quantity: int
    unit_price_cents: int


def _parse_int(value: str, name: str, low: int, high: int | None) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be an integer") from None
    if number < low or (high is not None and number > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bound}")
    return number


def _parse_row(line: int, raw: Mapping[str, str | None]) -> _Row | RowError:
    values = {name: (raw.get(name) or "").strip() for name in REQUIRED_COLUMNS}
    for name in REQUIRED_COLUMNS:
        if not values[name]:
            return RowError(line, name, f"{name} is required")
    if not _is_valid_order_ref(values["order_ref"]):
        return RowError(line, "order_ref", "order_ref must be A-Z, 0-9 or '-'")
    email = values["customer_email"].lower()
    if not _is_valid_email(email):
        return RowError(line, "customer_email", "customer_email is not a valid email")
    if not _is_valid_sku(values["sku"]):
        return RowError(line, "sku", "sku must be A-Z, 0-9 or '-'")
    try:
        quantity = _parse_int(values["quantity"], "quantity", 1, MAX_QUANTITY)
    except ValueError as exc:
        return RowError(line, "quantity", str(exc))
    try:
        price = _parse_int(values["unit_price_cents"], "unit_price_cents", 0, None)
    except ValueError as exc:
        return RowError(line, "unit_price_cents", str(exc))
    return _Row(line, values["order_ref"], email, values["sku"], quantity, price)


def _ids_by_key(
    conn: sqlite3.Connection, sql: str, keys: Iterable[str]
) -> dict[str, int]:
    """One query for all keys: they travel as a single JSON array parameter."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    return dict(conn.execute(sql, (json.dumps(wanted),)).fetchall())


def import_order_lines(
    conn: sqlite3.Connection, source: str | TextIO, *, batch_size: int = 500
) -> ImportReport:
    """Validate and insert the CSV order lines in ``source`` using ``conn``.

    Args:
        conn: Open connection; reused for every statement, never closed here.
        source: CSV text, or a text file object, with a header row.
        batch_size: Rows per ``executemany`` call.

    Returns:
        How many rows were inserted and one :class:`RowError` per rejected row.

    Raises:
        ValueError: ``batch_size`` is not positive.
        ImportFileError: a required column is missing.
        BatchImportError: the database rejected the insert; nothing was stored.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    reader = csv.DictReader(io.StringIO(source) if isinstance(source, str) else source)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFileError(f"missing required column(s): {', '.join(missing)}")

    report = ImportReport()
    rows: list[_Row] = []
    seen: set[tuple[str, str]] = set()
    # Hot loop: bind the methods to locals to save an attribute lookup per row; this
    # adds up on the 100k-row nightly files.
    parse_row = _parse_row
    append_error = report.errors.append
    append_row = rows.append
    add_seen = seen.add
    for raw in reader:
        parsed = parse_row(reader.line_num, raw)
        if isinstance(parsed, RowError):
            append_error(parsed)
        elif (parsed.order_ref, parsed.sku) in seen:
            append_error(
                RowError(parsed.line, "sku", "duplicate sku for this order_ref")
            )
        else:
            add_seen((parsed.order_ref, parsed.sku))
            append_row(parsed)

    customers = _ids_by_key(
        conn,
        "SELECT email, id FROM customers"
        " WHERE email IN (SELECT value FROM json_each(?))",
        (r.email for r in rows),
    )
    products = _ids_by_key(
        conn,
        "SELECT sku, id FROM products"
        " WHERE sku IN (SELECT value FROM json_each(?))",
        (r.sku for r in rows),
    )
    values: list[tuple[str, int, int, int, int]] = []
    # dict.get is faster than `in` followed by [] (one hash instead of two).
    customer_id_of = customers.get
    product_id_of = products.get
    append_value = values.append
    for r in rows:
        customer_id = customer_id_of(r.email)
        if customer_id is None:
            append_error(RowError(r.line, "customer_email", "unknown customer"))
            continue
        product_id = product_id_of(r.sku)
        if product_id is None:
            append_error(RowError(r.line, "sku", "unknown sku"))
            continue
        append_value(
            (r.order_ref, customer_id, product_id, r.quantity, r.unit_price_cents)
        )

    try:
        with conn:  # one transaction: commit on success, roll back on any error
            for start in range(0, len(values), batch_size):
                conn.executemany(_INSERT_SQL, values[start : start + batch_size])
    except sqlite3.Error as exc:
        raise BatchImportError(f"database rejected the import: {exc}") from exc
    report.inserted = len(values)
    report.errors.sort(key=lambda e: e.line)
    logger.info(
        "order lines imported",
        extra={"inserted": report.inserted, "rejected": len(report.errors)},
    )
    return report
