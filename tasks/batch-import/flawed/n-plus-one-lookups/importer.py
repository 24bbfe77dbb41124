"""Bulk import of order lines from CSV into sqlite.

The import parses and validates every row (collecting a :class:`RowError` per bad
row), resolves each row's customer and product, then inserts the valid rows with
``executemany`` in batches, inside one transaction on the caller's connection: either
every valid row is stored or none is.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    if not _ORDER_REF_RE.fullmatch(values["order_ref"]):
        return RowError(line, "order_ref", "order_ref must be A-Z, 0-9 or '-'")
    email = values["customer_email"].lower()
    if not _EMAIL_RE.fullmatch(email):
        return RowError(line, "customer_email", "customer_email is not a valid email")
    if not _SKU_RE.fullmatch(values["sku"]):
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
    for raw in reader:
        parsed = _parse_row(reader.line_num, raw)
        if isinstance(parsed, RowError):
            report.errors.append(parsed)
        elif (parsed.order_ref, parsed.sku) in seen:
            report.errors.append(
                RowError(parsed.line, "sku", "duplicate sku for this order_ref")
            )
        else:
            seen.add((parsed.order_ref, parsed.sku))
            rows.append(parsed)

    values: list[tuple[str, int, int, int, int]] = []
    for r in rows:
        customer = conn.execute(
            "SELECT id FROM customers WHERE email = ?", (r.email,)
        ).fetchone()
        product = conn.execute(
            "SELECT id FROM products WHERE sku = ?", (r.sku,)
        ).fetchone()
        if customer is None:
            report.errors.append(RowError(r.line, "customer_email", "unknown customer"))
        elif product is None:
            report.errors.append(RowError(r.line, "sku", "unknown sku"))
        else:
            values.append(
                (r.order_ref, customer[0], product[0], r.quantity, r.unit_price_cents)
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
