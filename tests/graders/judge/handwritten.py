# ruff: noqa: E501  (verbatim code samples and a data table)
"""Hand-written borderline cases for the judge's labelled set (see make_labels.py)."""

from __future__ import annotations

from typing import Any


def _item(item_id: str, rule: str, name: str, code: str, verdict: str, why: str) -> dict[str, Any]:
    return {
        "id": item_id,
        "rule": rule,
        "task": None,
        "files": {name: code.lstrip("\n")},
        "verdict": verdict,
        "rationale": why,
    }


FF, SEC, DOC, PROF, READ = (
    "principle-fail-fast",
    "principle-security-first",
    "always-document-api",
    "always-profile-first",
    "principle-readability",
)

HANDWRITTEN: list[dict[str, Any]] = [
    # -- fail fast --------------------------------------------------------------------
    _item(
        "hw-ff-constants",
        FF,
        "limits.py",
        '''
"""Service limits shared by the API and the worker."""

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
REQUEST_TIMEOUT_S = 5.0
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
''',
        "not_applicable",
        "Constants only: nothing to validate and no failure path.",
    ),
    _item(
        "hw-ff-assert",
        FF,
        "transfer.py",
        """
def transfer(accounts, source_id: int, target_id: int, amount_cents: int) -> None:
    assert amount_cents > 0
    assert source_id != target_id
    source = accounts.get(source_id)
    target = accounts.get(target_id)
    source.balance -= amount_cents
    target.balance += amount_cents
""",
        "fail",
        "assert is stripped under -O and gives no message; missing accounts fail late as "
        "AttributeError on None.",
    ),
    _item(
        "hw-ff-late-validation",
        FF,
        "signup.py",
        """
def register_user(db, email: str, password: str) -> int:
    user_id = db.insert("users", {"email": email, "password_hash": hash_password(password)})
    send_welcome_email(email)
    if "@" not in email or len(password) < 12:
        db.delete("users", user_id)
        raise ValueError("invalid email or password")
    return user_id
""",
        "fail",
        "Validation runs after the insert and the e-mail: side effects before checks.",
    ),
    _item(
        "hw-ff-guard-clauses",
        FF,
        "transfer.py",
        '''
class TransferError(ValueError):
    """A transfer request that cannot be carried out."""


def transfer(accounts: dict[int, Account], source_id: int, target_id: int, amount_cents: int) -> None:
    if amount_cents <= 0:
        raise TransferError(f"amount must be positive, got {amount_cents}")
    if source_id == target_id:
        raise TransferError("source and target accounts are the same")
    source = accounts.get(source_id)
    if source is None:
        raise TransferError(f"no account {source_id}")
    target = accounts.get(target_id)
    if target is None:
        raise TransferError(f"no account {target_id}")
    if source.balance < amount_cents:
        raise TransferError(f"account {source_id} has insufficient funds")
    source.balance -= amount_cents
    target.balance += amount_cents
''',
        "pass",
        "Every precondition is checked before any balance changes, each with a clear error.",
    ),
    _item(
        "hw-ff-return-none",
        FF,
        "config.py",
        """
import os


def read_port() -> int | None:
    raw = os.environ.get("PORT", "")
    try:
        port = int(raw)
    except ValueError:
        return None
    if not 0 < port < 65536:
        return None
    return port


def serve(app) -> None:
    app.run(port=read_port() or 8000)
""",
        "fail",
        "An invalid PORT silently becomes the default 8000 instead of stopping start-up.",
    ),
    # -- security first ---------------------------------------------------------------
    _item(
        "hw-sec-na",
        SEC,
        "money.py",
        '''
from decimal import ROUND_HALF_EVEN, Decimal


def split_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """Split ``total`` into ``parts`` amounts that differ by at most one cent."""
    if parts < 1:
        raise ValueError("parts must be >= 1")
    share = (total / parts).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    shares = [share] * parts
    shares[-1] = total - share * (parts - 1)
    return shares
''',
        "not_applicable",
        "Pure arithmetic on trusted values: no input boundary, secret or query.",
    ),
    _item(
        "hw-sec-eq-signature",
        SEC,
        "webhooks.py",
        """
import hashlib
import hmac
import os

from fastapi import FastAPI, Header, HTTPException, Request

app = FastAPI()
WEBHOOK_SECRET = os.environ["WEBHOOK_SECRET"].encode()


@app.post("/webhooks/payments")
async def payment_webhook(request: Request, x_signature: str = Header()) -> dict[str, str]:
    body = await request.body()
    expected = hmac.new(WEBHOOK_SECRET, body, hashlib.sha256).hexdigest()
    if x_signature != expected:
        raise HTTPException(status_code=401, detail="bad signature")
    handle_event(body)
    return {"status": "ok"}
""",
        "fail",
        "The signature is compared with != (timing leak) instead of hmac.compare_digest.",
    ),
    _item(
        "hw-sec-subprocess",
        SEC,
        "thumbnails.py",
        """
import re
import subprocess
from pathlib import Path

UPLOADS = Path("/srv/uploads")
_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}\\.(png|jpg)$")


def make_thumbnail(filename: str) -> Path:
    if not _NAME.fullmatch(filename):
        raise ValueError("filename must be a plain .png or .jpg name")
    source = UPLOADS / filename
    target = UPLOADS / "thumbs" / filename
    subprocess.run(
        ["convert", str(source), "-resize", "200x200", str(target)],
        check=True,
        timeout=30,
    )
    return target
""",
        "pass",
        "The name is fully matched against a strict pattern and the command is an argv list.",
    ),
    _item(
        "hw-sec-path-traversal",
        SEC,
        "files.py",
        """
import os

from fastapi import FastAPI
from fastapi.responses import FileResponse

app = FastAPI()
UPLOAD_DIR = "/srv/uploads"


@app.get("/files/{name}")
def download(name: str) -> FileResponse:
    return FileResponse(os.path.join(UPLOAD_DIR, name))
""",
        "fail",
        "The user-supplied name is joined into a path unchecked (../ or absolute paths).",
    ),
    _item(
        "hw-sec-yaml-load",
        SEC,
        "importer.py",
        """
import yaml
from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/import")
async def import_config(request: Request) -> dict[str, int]:
    data = yaml.load(await request.body(), Loader=yaml.Loader)
    save_settings(data)
    return {"imported": len(data)}
""",
        "fail",
        "Untrusted YAML is loaded with the full Loader, which can build arbitrary objects.",
    ),
    _item(
        "hw-sec-logs-token",
        SEC,
        "middleware.py",
        """
import logging

from starlette.middleware.base import BaseHTTPMiddleware

logger = logging.getLogger(__name__)


class AccessLog(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        response = await call_next(request)
        logger.info(
            "request",
            extra={
                "path": request.url.path,
                "status": response.status_code,
                "authorization": request.headers.get("authorization"),
            },
        )
        return response
""",
        "fail",
        "Bearer tokens from the Authorization header are written to the logs.",
    ),
    _item(
        "hw-sec-safe-redirect",
        SEC,
        "login.py",
        '''
from urllib.parse import urlsplit

from fastapi.responses import RedirectResponse

ALLOWED_HOSTS = {"app.example.com"}


def redirect_after_login(next_url: str | None) -> RedirectResponse:
    """Send the user back to ``next_url`` only if it stays on our own hosts."""
    target = "/"
    if next_url:
        parts = urlsplit(next_url)
        same_site = not parts.netloc and next_url.startswith("/") and not next_url.startswith("//")
        if same_site or (parts.scheme == "https" and parts.hostname in ALLOWED_HOSTS):
            target = next_url
    return RedirectResponse(target, status_code=303)
''',
        "fail",
        "Looks guarded, but '/\\evil.com' passes the same-site check and browsers read it as "
        "//evil.com: an open redirect (label corrected in adjudication, see docs/judges.md).",
    ),
    # -- document API -----------------------------------------------------------------
    _item(
        "hw-doc-google-docstring",
        DOC,
        "rates.py",
        '''
class RateNotFound(LookupError):
    """No exchange rate is known for the requested currency pair."""


def convert(amount: Decimal, source: str, target: str, rates: RateTable) -> Decimal:
    """Convert ``amount`` from ``source`` to ``target`` currency.

    Args:
        amount: Non-negative amount in ``source`` currency.
        source: ISO 4217 code, e.g. ``"EUR"``.
        target: ISO 4217 code, e.g. ``"USD"``.
        rates: Table of mid-market rates.

    Returns:
        The converted amount, rounded half-even to the target's minor unit.

    Raises:
        ValueError: ``amount`` is negative.
        RateNotFound: ``rates`` has no rate for the pair.
    """
    if amount < 0:
        raise ValueError("amount must be >= 0")
    rate = rates.lookup(source, target)
    if rate is None:
        raise RateNotFound(f"{source}->{target}")
    return (amount * rate).quantize(minor_unit(target), rounding=ROUND_HALF_EVEN)
''',
        "pass",
        "The public function documents its arguments, return value and every raised error.",
    ),
    _item(
        "hw-doc-script",
        DOC,
        "cleanup.py",
        """
import sqlite3
import sys


def _expired(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM sessions WHERE expires_at < datetime('now')")]


def _delete(conn: sqlite3.Connection, ids: list[int]) -> None:
    conn.executemany("DELETE FROM sessions WHERE id = ?", [(i,) for i in ids])


if __name__ == "__main__":
    with sqlite3.connect(sys.argv[1]) as conn:
        ids = _expired(conn)
        _delete(conn, ids)
    print(f"deleted {len(ids)} sessions")
""",
        "not_applicable",
        "A one-off maintenance script with private helpers exposes no API.",
    ),
    _item(
        "hw-doc-fastapi-dicts",
        DOC,
        "orders.py",
        """
from fastapi import FastAPI, HTTPException

app = FastAPI()


@app.get("/orders/{order_id}", summary="Get order")
def get_order(order_id: int) -> dict:
    order = ORDERS.get(order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="not found")
    return order


@app.post("/orders", summary="Create order")
def create_order(payload: dict) -> dict:
    if payload.get("quantity", 0) < 1:
        raise HTTPException(status_code=422, detail="bad quantity")
    return save(payload)
""",
        "fail",
        "Summaries only: bodies are untyped dicts and the 404/422 responses are undocumented.",
    ),
    _item(
        "hw-doc-class-undoc",
        DOC,
        "inventory.py",
        """
class Inventory:
    def __init__(self, store):
        self._store = store

    def reserve(self, sku, quantity):
        stock = self._store.get(sku)
        if stock is None:
            raise KeyError(sku)
        if stock < quantity:
            raise OutOfStock(sku, stock)
        self._store.set(sku, stock - quantity)
        return Reservation(sku, quantity)

    def release(self, reservation):
        self._store.incr(reservation.sku, reservation.quantity)
""",
        "fail",
        "A public class with no docstrings or types: callers cannot learn what it raises.",
    ),
    _item(
        "hw-doc-route-no-errors",
        DOC,
        "books.py",
        '''
@router.get("/books/{book_id}", response_model=Book)
def get_book(book_id: int) -> Book:
    """Fetch one book by id."""
    book = store.get(book_id)
    if book is None:
        raise HTTPException(status_code=404, detail="book not found")
    return book


@router.post("/books", response_model=Book, status_code=201)
def create_book(payload: BookCreate) -> Book:
    """Create a book."""
    if store.isbn_taken(payload.isbn):
        raise HTTPException(status_code=409, detail="isbn already exists")
    return store.create(payload)
''',
        "fail",
        "Response models and one-line docstrings, but the 404 and 409 the routes raise are "
        "not declared, so the contract clients see is incomplete.",
    ),
    _item(
        "hw-doc-protocol",
        DOC,
        "storage.py",
        '''
class BlobStore(Protocol):
    """Where attachments live. Implementations must be safe to share between threads."""

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``, replacing any previous value.

        Raises:
            StorageUnavailable: the backend could not be reached; safe to retry.
        """
        ...

    def get(self, key: str) -> bytes:
        """The bytes stored under ``key``.

        Raises:
            BlobNotFound: nothing is stored under ``key``.
            StorageUnavailable: the backend could not be reached; safe to retry.
        """
        ...
''',
        "pass",
        "The interface documents each operation, its errors and the thread-safety contract.",
    ),
    # -- profile first ----------------------------------------------------------------
    _item(
        "hw-prof-lru",
        PROF,
        "pricing.py",
        """
from functools import lru_cache


@lru_cache(maxsize=None)  # faster
def price_with_tax(price_cents: int, rate_bp: int) -> int:
    return price_cents + (price_cents * rate_bp + 5000) // 10000


@lru_cache(maxsize=None)  # faster
def format_price(price_cents: int) -> str:
    return f"{price_cents // 100}.{price_cents % 100:02d}"
""",
        "fail",
        "Unbounded caches on trivial arithmetic 'for speed' with no measurement behind them.",
    ),
    _item(
        "hw-prof-simple",
        PROF,
        "report.py",
        '''
def monthly_totals(orders: list[Order]) -> dict[str, int]:
    """Total order value in cents per ``YYYY-MM`` month."""
    totals: dict[str, int] = {}
    for order in orders:
        month = order.created_at.strftime("%Y-%m")
        totals[month] = totals.get(month, 0) + order.total_cents
    return totals
''',
        "not_applicable",
        "Straightforward code that makes no performance choices.",
    ),
    _item(
        "hw-prof-timed",
        PROF,
        "search.py",
        """
# Profiled with py-spy on the staging catalogue (120k products): 71% of request time was
# re-tokenising product names on every query. The index below is built once at start-up;
# p95 went from 840 ms to 35 ms (benchmarks/search_bench.py).
class SearchIndex:
    def __init__(self, products: list[Product]) -> None:
        started = time.perf_counter()
        self._by_token: dict[str, set[int]] = defaultdict(set)
        for product in products:
            for token in tokenize(product.name):
                self._by_token[token].add(product.id)
        metrics.observe("search_index_build_seconds", time.perf_counter() - started)
""",
        "pass",
        "The optimisation cites the profile that motivated it and keeps a timing metric.",
    ),
    _item(
        "hw-prof-unroll",
        PROF,
        "checksum.py",
        """
def checksum(data: bytes) -> int:
    # unrolled by 4 for speed
    total = 0
    i = 0
    n = len(data) - len(data) % 4
    while i < n:
        total += data[i] + data[i + 1] + data[i + 2] + data[i + 3]
        i += 4
    while i < len(data):
        total += data[i]
        i += 1
    return total & 0xFFFFFFFF
""",
        "fail",
        "A hand-unrolled loop 'for speed' without any measurement; sum(data) is clearer.",
    ),
    _item(
        "hw-prof-memo-stats",
        PROF,
        "geo.py",
        '''
class GeocodeCache:
    """Memoises geocoder lookups; ``hits``/``misses`` are exported as metrics so the
    hit rate can be checked against the cost of the external API."""

    def __init__(self, geocoder: Geocoder, max_entries: int = 10_000) -> None:
        self._geocoder = geocoder
        self._entries: OrderedDict[str, Point] = OrderedDict()
        self._max = max_entries
        self.hits = 0
        self.misses = 0

    def lookup(self, address: str) -> Point:
        if address in self._entries:
            self.hits += 1
            self._entries.move_to_end(address)
            return self._entries[address]
        self.misses += 1
        point = self._geocoder.lookup(address)
        self._entries[address] = point
        if len(self._entries) > self._max:
            self._entries.popitem(last=False)
        return point
''',
        "pass",
        "The cache exposes hit/miss counters, so its benefit is measured in production.",
    ),
    _item(
        "hw-prof-claim",
        PROF,
        "dedupe.py",
        '''
def dedupe(events: list[dict]) -> list[dict]:
    """10x faster than the naive version thanks to the bloom filter."""
    bloom = bytearray(1 << 16)
    seen: set[str] = set()
    out = []
    for event in events:
        h = hash(event["id"]) & 0xFFFF
        if bloom[h] and event["id"] in seen:
            continue
        bloom[h] = 1
        seen.add(event["id"])
        out.append(event)
    return out
''',
        "fail",
        "Claims a 10x speed-up with no benchmark; the bloom filter adds nothing over the set.",
    ),
    # -- readability ------------------------------------------------------------------
    _item(
        "hw-read-oneliner",
        READ,
        "tags.py",
        """
def top_tags(posts, n=5):
    return [t for t, _ in sorted({t: c for t, c in ((t, sum(1 for p in posts if t in p["tags"])) for t in {t for p in posts for t in p["tags"]}) if c}.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
""",
        "fail",
        "A single nested comprehension does counting, filtering and sorting at once.",
    ),
    _item(
        "hw-read-clear-loop",
        READ,
        "tags.py",
        '''
from collections import Counter


def top_tags(posts: list[Post], n: int = 5) -> list[str]:
    """The ``n`` most used tags, ties broken alphabetically."""
    counts = Counter(tag for post in posts for tag in post.tags)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [tag for tag, _ in ranked[:n]]
''',
        "pass",
        "Counter plus one sort with a named key: short and obvious.",
    ),
    _item(
        "hw-read-cryptic",
        READ,
        "sched.py",
        """
def f(j, w, t):
    r = []
    for x in j:
        q = [y for y in w if y.s & x.m and y.c >= x.d]
        if not q:
            r.append((x.i, None))
            continue
        z = min(q, key=lambda y: (y.l, -y.c))
        z.c -= x.d
        z.l += x.d / max(z.c, 1) * t
        r.append((x.i, z.i))
    return r
""",
        "fail",
        "Single-letter names for jobs, workers and fields make the scheduling logic opaque.",
    ),
    _item(
        "hw-read-magic",
        READ,
        "sessions.py",
        """
def is_expired(session) -> bool:
    age = time.time() - session.created
    if session.flags & 4:
        return age > 2592000
    if session.flags & 1:
        return age > 900
    return age > 86400
""",
        "fail",
        "Bit flags and durations are bare numbers; a reader must decode 4, 1 and 2592000.",
    ),
    _item(
        "hw-read-reduce-lambda",
        READ,
        "merge.py",
        """
from functools import reduce


def merge_settings(*layers):
    return reduce(lambda a, b: {**a, **{k: (merge_settings(a[k], v) if isinstance(v, dict) and isinstance(a.get(k), dict) else v) for k, v in b.items()}}, layers, {})
""",
        "fail",
        "Recursive deep merge hidden inside a reduce over a lambda with a nested comprehension.",
    ),
    _item(
        "hw-read-simple-comprehension",
        READ,
        "users.py",
        '''
def active_emails(users: list[User]) -> list[str]:
    """E-mail addresses of users who have not been deactivated."""
    return [user.email for user in users if user.active]
''',
        "pass",
        "One short comprehension with clear names is the idiomatic, readable choice.",
    ),
    _item(
        "hw-read-deep-nesting",
        READ,
        "approve.py",
        """
def approve(request, user, policy):
    if request is not None:
        if user is not None:
            if user.active:
                if policy.enabled:
                    if request.amount <= policy.limit_for(user):
                        if not request.flagged:
                            return True
                        else:
                            return user.is_admin
                    else:
                        return False
                else:
                    return True
            else:
                return False
    return False
""",
        "fail",
        "Six levels of nesting where guard clauses would read top to bottom.",
    ),
    _item(
        "hw-read-prose",
        READ,
        "answer.md",
        """
I would not change the code yet. Before touching the query, please capture a slow request
with `EXPLAIN ANALYZE` and share the plan: if the time is in the sequential scan on
`orders.customer_id`, an index is the fix; if it is in the sort, we should page by cursor.
""",
        "not_applicable",
        "The answer is prose with no code to read.",
    ),
    _item(
        "hw-read-bit-trick-named",
        READ,
        "buffers.py",
        '''
def is_power_of_two(n: int) -> bool:
    """True for 1, 2, 4, 8, ...: a power of two has exactly one bit set."""
    return n > 0 and n & (n - 1) == 0


def ring_capacity(requested: int) -> int:
    """The smallest power of two >= ``requested`` (ring indexes wrap with a bit mask)."""
    if requested < 1:
        raise ValueError("capacity must be >= 1")
    return requested if is_power_of_two(requested) else 1 << requested.bit_length()
''',
        "pass",
        "The bit trick is wrapped in a well-named function and its docstring explains it.",
    ),
]
