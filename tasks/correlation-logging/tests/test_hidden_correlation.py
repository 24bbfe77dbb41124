import asyncio
import io
import json
import logging
import re

import httpx
import pytest
from fastapi.testclient import TestClient

import orders_api
from orders_api import app, configure_logging

VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@pytest.fixture()
def logs():
    orders_api.INVENTORY.clear()
    orders_api.INVENTORY.update({"SKU-1": 100, "SKU-2": 0})
    buf = io.StringIO()
    configure_logging(stream=buf)
    return buf


def lines(buf: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buf.getvalue().splitlines() if line.strip()]


@pytest.fixture()
def client(logs):
    return TestClient(app)


def test_request_id_generated_when_missing(client, logs):
    resp = client.post("/orders", json={"sku": "SKU-1", "quantity": 2})
    assert resp.status_code == 201
    rid = resp.headers["X-Request-ID"]
    assert VALID_ID.match(rid)
    assert resp.json()["request_id"] == rid


def test_valid_incoming_request_id_is_propagated(client, logs):
    resp = client.post(
        "/orders", json={"sku": "SKU-1", "quantity": 1}, headers={"X-Request-ID": "req-abc.123_XY"}
    )
    assert resp.headers["X-Request-ID"] == "req-abc.123_XY"
    assert resp.json()["request_id"] == "req-abc.123_XY"


@pytest.mark.parametrize(
    "bad",
    ["short", "x" * 65, "has space here", "<script>alert(1)</script>", "abcdefgh;DROP TABLE"],
    ids=["too-short", "too-long", "spaces", "markup", "semicolon"],
)
def test_invalid_incoming_request_id_is_replaced(client, logs, bad):
    resp = client.post("/orders", json={"sku": "SKU-1", "quantity": 1}, headers={"X-Request-ID": bad})
    assert resp.status_code == 201
    rid = resp.headers["X-Request-ID"]
    assert rid != bad
    assert VALID_ID.match(rid)
    assert bad not in logs.getvalue()
    assert all(entry["request_id"] == rid for entry in lines(logs))


def test_every_log_line_is_json_with_the_request_id(client, logs):
    resp = client.post(
        "/orders", json={"sku": "SKU-1", "quantity": 3}, headers={"X-Request-ID": "trace-0001"}
    )
    assert resp.status_code == 201
    entries = lines(logs)
    assert entries, "nothing was logged"
    assert all(entry["request_id"] == "trace-0001" for entry in entries)
    accepted = [e for e in entries if e.get("sku") == "SKU-1" and e.get("quantity") == 3]
    assert accepted, "the accepted order is not logged with sku/quantity fields"
    access = [e for e in entries if e.get("status") == 201]
    assert access and access[0].get("path") == "/orders"
    assert all({"level", "message", "logger"} <= set(e) for e in entries)


@pytest.mark.parametrize(
    "body,status,code",
    [
        ({"sku": "SKU-404", "quantity": 1}, 404, "unknown_sku"),
        ({"sku": "SKU-2", "quantity": 1}, 409, "insufficient_stock"),
    ],
    ids=["unknown-sku", "out-of-stock"],
)
def test_domain_errors_are_typed_and_carry_request_id(client, logs, body, status, code):
    resp = client.post("/orders", json=body, headers={"X-Request-ID": "err-req-0001"})
    assert resp.status_code == status
    assert resp.headers["X-Request-ID"] == "err-req-0001"
    payload = resp.json()
    assert payload["error"] == code
    assert payload["request_id"] == "err-req-0001"


@pytest.mark.parametrize(
    "body",
    [
        {"sku": "SKU-1", "quantity": 0},
        {"sku": "SKU-1", "quantity": 101},
        {"sku": "sku 1; drop", "quantity": 1},
        {"sku": "SKU-1"},
        {"sku": "SKU-1", "quantity": 1, "price_cents": 0},
        ["SKU-1", 1],
    ],
    ids=["qty-zero", "qty-too-big", "bad-sku", "missing-qty", "extra-field", "not-object"],
)
def test_malformed_orders_get_typed_422(client, logs, body):
    resp = client.post("/orders", json=body, headers={"X-Request-ID": "bad-body-001"})
    assert resp.status_code == 422
    assert resp.headers["X-Request-ID"] == "bad-body-001"
    payload = resp.json()
    assert payload["error"] == "validation_error"
    assert payload["request_id"] == "bad-body-001"
    assert orders_api.INVENTORY["SKU-1"] == 100


def test_request_id_does_not_leak_outside_the_request(client, logs):
    client.post("/orders", json={"sku": "SKU-1", "quantity": 1}, headers={"X-Request-ID": "first-0001"})
    logging.getLogger("orders").info("background tick")
    entries = lines(logs)
    assert entries[-1]["message"] == "background tick"
    assert entries[-1]["request_id"] is None


def test_concurrent_requests_keep_their_own_ids(logs):
    async def main():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://orders.test") as c:
            return await asyncio.gather(
                *(
                    c.post(
                        "/orders",
                        json={"sku": "SKU-1", "quantity": n},
                        headers={"X-Request-ID": f"concurrent-{n:04d}"},
                    )
                    for n in range(1, 9)
                )
            )

    responses = asyncio.run(main())
    assert all(r.status_code == 201 for r in responses)
    for entry in lines(logs):
        if "quantity" in entry and entry.get("sku") == "SKU-1":
            assert entry["request_id"] == f"concurrent-{entry['quantity']:04d}"


def test_configure_logging_is_idempotent(logs):
    buf = io.StringIO()
    configure_logging(stream=buf)
    configure_logging(stream=buf)
    logging.getLogger("orders").info("once")
    assert len(lines(buf)) == 1
    assert logs.getvalue() == ""
