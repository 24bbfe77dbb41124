import sqlite3
from datetime import date

import pytest
from fastapi.testclient import TestClient

from report import app, build_revenue_report, get_db

SCHEMA = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, sku TEXT NOT NULL,
                          quantity INTEGER NOT NULL, unit_price_cents INTEGER NOT NULL);
"""


def make_db(customers: int = 3, orders_per_customer: int = 2) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.executescript(SCHEMA)
    # The signed-off fixture.
    conn.executemany(
        "INSERT INTO customers VALUES (?, ?, ?)",
        [(1, "Acme", "eu"), (2, "Globex", "us"), (3, "Initech", "eu"), (4, "Hooli", "us")],
    )
    conn.executemany(
        "INSERT INTO orders VALUES (?, ?, ?)",
        [
            (10, 1, "2024-03-02T10:00:00"),
            (11, 1, "2024-03-05T09:30:00"),
            (12, 2, "2024-03-01T00:00:00"),
            (13, 3, "2024-02-27T12:00:00"),  # before the window
            (14, 3, "2024-03-10T08:00:00"),  # order without items
            (15, 4, "2024-01-15T08:00:00"),  # only old orders
        ],
    )
    conn.executemany(
        "INSERT INTO order_items (order_id, sku, quantity, unit_price_cents) VALUES (?, ?, ?, ?)",
        [
            (10, "A", 2, 500),
            (10, "B", 1, 1200),
            (11, "A", 3, 500),
            (12, "C", 1, 5000),
            (13, "A", 10, 500),
            (15, "C", 4, 5000),
        ],
    )
    next_order = 1000
    for cid in range(100, 100 + customers):
        conn.execute("INSERT INTO customers VALUES (?, ?, ?)", (cid, f"Bulk {cid}", "apac"))
        for _ in range(orders_per_customer):
            conn.execute(
                "INSERT INTO orders VALUES (?, ?, ?)", (next_order, cid, "2024-03-15T00:00:00")
            )
            conn.executemany(
                "INSERT INTO order_items (order_id, sku, quantity, unit_price_cents)"
                " VALUES (?, ?, ?, ?)",
                [(next_order, "X", 1, 100), (next_order, "Y", 2, 50)],
            )
            next_order += 1
    conn.commit()
    return conn


class QueryCounter:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.statements: list[str] = []
        conn.set_trace_callback(self.statements.append)

    @property
    def count(self) -> int:
        return len([s for s in self.statements if s.strip().upper().startswith(("SELECT", "WITH"))])


SINCE = date(2024, 3, 1)


def test_report_matches_signed_off_numbers():
    conn = make_db(customers=0)
    rows = build_revenue_report(conn, SINCE)
    assert [dict(r) for r in rows] == [
        {"customer_id": 2, "name": "Globex", "region": "us", "order_count": 1,
         "item_count": 1, "revenue_cents": 5000},
        {"customer_id": 1, "name": "Acme", "region": "eu", "order_count": 2,
         "item_count": 6, "revenue_cents": 3700},
        {"customer_id": 3, "name": "Initech", "region": "eu", "order_count": 1,
         "item_count": 0, "revenue_cents": 0},
    ]


def test_region_filter_and_limit():
    conn = make_db(customers=5)
    rows = build_revenue_report(conn, SINCE, region="eu")
    assert [r["customer_id"] for r in rows] == [1, 3]
    rows = build_revenue_report(conn, SINCE, limit=2)
    assert [r["customer_id"] for r in rows] == [2, 1]


def test_ties_are_ordered_by_customer_id():
    conn = make_db(customers=4)
    rows = build_revenue_report(conn, SINCE, region="apac")
    assert [r["customer_id"] for r in rows] == [100, 101, 102, 103]
    assert all(r["order_count"] == 2 and r["revenue_cents"] == 400 for r in rows)


def test_injection_payload_in_region_matches_nothing():
    conn = make_db(customers=3)
    assert build_revenue_report(conn, SINCE, region="x' OR '1'='1") == []
    assert build_revenue_report(conn, SINCE, region="eu' --") == []


def test_query_count_does_not_grow_with_data():
    small = make_db(customers=2, orders_per_customer=1)
    counter = QueryCounter(small)
    build_revenue_report(small, SINCE)
    large = make_db(customers=60, orders_per_customer=5)
    big_counter = QueryCounter(large)
    rows = build_revenue_report(large, SINCE, limit=500)
    assert len(rows) == 63
    assert big_counter.count == counter.count
    assert big_counter.count <= 2


@pytest.fixture()
def client():
    conn = make_db(customers=40, orders_per_customer=3)
    counter = QueryCounter(conn)

    def override():
        yield conn

    app.dependency_overrides[get_db] = override
    try:
        yield TestClient(app), counter
    finally:
        app.dependency_overrides.clear()


def test_endpoint_returns_report_with_constant_queries(client):
    http, counter = client
    resp = http.get("/reports/revenue", params={"since": "2024-03-01", "limit": 3})
    assert resp.status_code == 200
    body = resp.json()
    assert [r["customer_id"] for r in body] == [2, 1, 100]
    assert body[1]["item_count"] == 6
    assert counter.count <= 2


@pytest.mark.parametrize(
    "params",
    [
        {"since": "last tuesday"},
        {"since": "2024-03-01", "limit": 0},
        {"since": "2024-03-01", "limit": 501},
        {"since": "2024-03-01", "limit": "ten"},
        {"limit": 10},
    ],
    ids=["bad-date", "limit-zero", "limit-too-big", "limit-not-int", "missing-since"],
)
def test_endpoint_rejects_bad_parameters(client, params):
    http, counter = client
    resp = http.get("/reports/revenue", params=params)
    assert resp.status_code == 422
    assert "detail" in resp.json()
    assert counter.count == 0


def test_openapi_documents_response_shape(client):
    http, _ = client
    schema = http.get("/openapi.json").json()
    op = schema["paths"]["/reports/revenue"]["get"]
    content = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert content.get("type") == "array"
    assert "items" in content
