import sqlite3

import pytest
from fastapi.testclient import TestClient

from api import app, get_db

SCHEMA = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL,
                     status TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL,
                          sku TEXT NOT NULL, quantity INTEGER NOT NULL,
                          unit_price_cents INTEGER NOT NULL);
"""
STATUSES = ["pending", "paid", "shipped", "cancelled"]


def make_db(extra_orders: int = 0) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.executescript(SCHEMA)
    conn.executemany(
        "INSERT INTO customers VALUES (?, ?, ?)",
        [(1, "Ada", "ada@example.com"), (2, "Bob", "bob@example.com")],
    )
    conn.executemany(
        "INSERT INTO orders VALUES (?, ?, ?, ?)",
        [
            (10, 1, "paid", "2024-05-01T10:00:00Z"),
            (11, 1, "pending", "2024-05-02T11:00:00Z"),
            (12, 2, "shipped", "2024-05-03T12:00:00Z"),
        ],
    )
    conn.executemany(
        "INSERT INTO order_items (order_id, sku, quantity, unit_price_cents) VALUES (?, ?, ?, ?)",
        [(10, "MUG", 2, 625), (10, "TEA", 1, 1999), (12, "KETTLE", 1, 4500)],
    )
    for n in range(extra_orders):
        oid = 100 + n
        conn.execute(
            "INSERT INTO orders VALUES (?, ?, ?, ?)",
            (oid, 2, STATUSES[n % 4], f"2024-06-{n % 28 + 1:02d}T00:00:00Z"),
        )
        conn.executemany(
            "INSERT INTO order_items (order_id, sku, quantity, unit_price_cents)"
            " VALUES (?, ?, ?, ?)",
            [(oid, "A", 1, 100), (oid, "B", 2, 50)],
        )
    conn.commit()
    return conn


class Client:
    def __init__(self, extra_orders: int = 0):
        self.conn = make_db(extra_orders)
        self.statements: list[str] = []
        self.conn.set_trace_callback(self.statements.append)

        def override():
            yield self.conn

        app.dependency_overrides[get_db] = override
        self.http = TestClient(app)

    @property
    def selects(self) -> int:
        return len([s for s in self.statements if s.lstrip().upper().startswith(("SELECT", "WITH"))])


@pytest.fixture()
def client():
    c = Client()
    yield c
    app.dependency_overrides.clear()


@pytest.fixture()
def big_client():
    c = Client(extra_orders=60)
    yield c
    app.dependency_overrides.clear()


def test_v1_get_order_shape_is_unchanged(client):
    resp = client.http.get("/v1/orders/10")
    assert resp.status_code == 200
    assert resp.json() == {"id": 10, "customer": "Ada", "status": "paid", "total": "32.49"}


def test_v1_total_is_a_two_decimal_string(client):
    assert client.http.get("/v1/orders/11").json()["total"] == "0.00"
    assert client.http.get("/v1/orders/12").json()["total"] == "45.00"


def test_v1_not_found_body_is_unchanged(client):
    resp = client.http.get("/v1/orders/999")
    assert resp.status_code == 404
    assert resp.json() == {"detail": "Order not found"}


def test_v1_list_is_unchanged_and_unpaged(big_client):
    resp = big_client.http.get("/v1/orders", params={"customer_id": 1})
    assert resp.json() == [
        {"id": 10, "customer": "Ada", "status": "paid", "total": "32.49"},
        {"id": 11, "customer": "Ada", "status": "pending", "total": "0.00"},
    ]
    many = big_client.http.get("/v1/orders", params={"customer_id": 2}).json()
    assert len(many) == 61
    assert set(many[0]) == {"id", "customer", "status", "total"}


def test_v1_validation_keeps_fastapi_default_body(client):
    resp = client.http.get("/v1/orders/abc")
    assert resp.status_code == 422
    body = resp.json()
    assert isinstance(body["detail"], list)
    assert "error" not in body


def test_v2_get_order_embeds_customer_and_items(client):
    resp = client.http.get("/v2/orders/10")
    assert resp.status_code == 200
    assert resp.json() == {
        "id": 10,
        "status": "paid",
        "created_at": "2024-05-01T10:00:00Z",
        "customer": {"id": 1, "name": "Ada"},
        "items": [
            {"sku": "MUG", "quantity": 2, "unit_price_cents": 625},
            {"sku": "TEA", "quantity": 1, "unit_price_cents": 1999},
        ],
        "total_cents": 3249,
        "currency": "USD",
    }


def test_v2_not_found_is_typed(client):
    resp = client.http.get("/v2/orders/999")
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "order_not_found"
    assert resp.json()["error"]["message"]


@pytest.mark.parametrize(
    "url",
    [
        "/v2/orders/0",
        "/v2/orders/-4",
        "/v2/orders/abc",
        "/v2/orders?limit=0",
        "/v2/orders?limit=101",
        "/v2/orders?offset=-1",
        "/v2/orders?status=lost",
        "/v2/orders?status=paid' OR '1'='1",
        "/v2/orders?customer_id=abc",
    ],
    ids=["zero-id", "negative-id", "text-id", "limit-zero", "limit-big", "offset-negative",
         "unknown-status", "injection-status", "text-customer"],
)
def test_v2_bad_parameters_get_typed_422(client, url):
    resp = client.http.get(url)
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "validation_error"
    assert isinstance(error["message"], str)


def test_v2_list_filters_and_pages(big_client):
    http = big_client.http
    first = http.get("/v2/orders", params={"customer_id": 2, "limit": 25}).json()
    assert [o["id"] for o in first["data"]][:3] == [12, 100, 101]
    assert len(first["data"]) == 25
    assert first["next_offset"] == 25
    last = http.get("/v2/orders", params={"customer_id": 2, "limit": 25, "offset": 50}).json()
    assert len(last["data"]) == 11
    assert last["next_offset"] is None
    paid = http.get("/v2/orders", params={"status": "paid", "limit": 100}).json()["data"]
    assert paid and all(o["status"] == "paid" for o in paid)
    assert paid[0]["id"] == 10
    assert http.get("/v2/orders").json()["data"][0]["customer"] == {"id": 1, "name": "Ada"}


def test_v2_list_uses_constant_queries(big_client):
    resp = big_client.http.get("/v2/orders", params={"limit": 50})
    assert resp.status_code == 200
    data = resp.json()["data"]
    assert len(data) == 50
    assert all(o["items"] for o in data if o["id"] >= 100)
    assert data[5]["total_cents"] == 200
    assert big_client.selects <= 3


def test_v1_list_uses_constant_queries(big_client):
    big_client.http.get("/v1/orders", params={"customer_id": 2})
    assert big_client.selects <= 3


def test_openapi_documents_both_versions(client):
    schema = client.http.get("/openapi.json").json()
    paths = schema["paths"]
    for path in ("/v1/orders/{order_id}", "/v1/orders", "/v2/orders/{order_id}", "/v2/orders"):
        assert path in paths
        assert paths[path]["get"].get("summary")
    assert paths["/v1/orders/{order_id}"]["get"].get("deprecated") is True
    assert not paths["/v2/orders/{order_id}"]["get"].get("deprecated", False)
    v2_get = paths["/v2/orders/{order_id}"]["get"]["responses"]
    assert "404" in v2_get
    assert "$ref" in str(v2_get["200"]["content"]["application/json"]["schema"])
