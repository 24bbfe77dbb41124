import sqlite3

import pytest
from fastapi.testclient import TestClient

from api import app, get_db


@pytest.fixture()
def client():
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.executescript(
        """
        CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, email TEXT);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER,
                             status TEXT, created_at TEXT);
        CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER, sku TEXT,
                                  quantity INTEGER, unit_price_cents INTEGER);
        INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com');
        INSERT INTO orders VALUES (1, 1, 'paid', '2024-01-01T00:00:00Z'),
                                  (2, 1, 'pending', '2024-01-02T00:00:00Z'),
                                  (3, 1, 'shipped', '2024-01-03T00:00:00Z');
        INSERT INTO order_items (order_id, sku, quantity, unit_price_cents)
            VALUES (1, 'MUG', 3, 250), (1, 'TEA', 1, 1),
                   (2, 'MUG', 1, 250), (3, 'KETTLE', 1, 4500);
        """
    )
    statements: list[str] = []
    conn.set_trace_callback(statements.append)

    def override():
        yield conn

    app.dependency_overrides[get_db] = override
    yield TestClient(app), statements
    app.dependency_overrides.clear()
    conn.close()


def test_v1_order_contract(client):
    http, _ = client
    assert http.get("/v1/orders/1").json() == {
        "id": 1,
        "customer": "Ada",
        "status": "paid",
        "total": "7.51",
    }


def test_v1_not_found_contract(client):
    http, _ = client
    resp = http.get("/v1/orders/42")
    assert (resp.status_code, resp.json()) == (404, {"detail": "Order not found"})


def test_v1_list_contract(client):
    http, _ = client
    body = http.get("/v1/orders", params={"customer_id": 1}).json()
    assert [o["id"] for o in body] == [1, 2, 3]
    assert all(isinstance(o["total"], str) for o in body)


def test_v2_order(client):
    http, _ = client
    body = http.get("/v2/orders/1").json()
    assert body["total_cents"] == 751
    assert body["customer"] == {"id": 1, "name": "Ada"}
    assert [i["sku"] for i in body["items"]] == ["MUG", "TEA"]


def test_v2_errors_are_typed(client):
    http, _ = client
    assert http.get("/v2/orders/42").json()["error"]["code"] == "order_not_found"
    for url in ("/v2/orders/0", "/v2/orders?limit=500", "/v2/orders?status=lost"):
        resp = http.get(url)
        assert resp.status_code == 422
        assert resp.json()["error"]["code"] == "validation_error"


def test_v2_paging(client):
    http, _ = client
    first = http.get("/v2/orders", params={"limit": 2}).json()
    assert [o["id"] for o in first["data"]] == [1, 2]
    second = http.get("/v2/orders", params={"limit": 2, "offset": first["next_offset"]})
    assert [o["id"] for o in second.json()["data"]] == [3]
    assert second.json()["next_offset"] is None


def test_v2_list_query_count_is_constant(client):
    http, statements = client
    http.get("/v2/orders", params={"limit": 3})
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 2
