import sqlite3
import threading

import pytest
from fastapi.testclient import TestClient

from payments_api import CardDeclined, GatewayUnavailable, create_app

BODY = {"amount_cents": 2500, "currency": "EUR", "source": "tok_visa4242"}


class FakeGateway:
    def __init__(self):
        self.calls = []
        self.decline_reason = None
        self.unavailable_times = 0
        self.started = threading.Event()
        self.release = None

    def charge(self, amount_cents, currency, source):
        self.calls.append((amount_cents, currency, source))
        if self.release is not None:
            self.started.set()
            assert self.release.wait(5)
        if self.unavailable_times:
            self.unavailable_times -= 1
            raise GatewayUnavailable("gateway timed out")
        if self.decline_reason:
            raise CardDeclined(self.decline_reason)
        return f"ch_{len(self.calls)}"


@pytest.fixture()
def gateway():
    return FakeGateway()


@pytest.fixture()
def db_path(tmp_path):
    return tmp_path / "payments.db"


@pytest.fixture()
def client(db_path, gateway):
    return TestClient(create_app(db_path, gateway))


def pay(client, key, body=BODY):
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post("/payments", json=body, headers=headers)


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"]


def payment_rows(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT COUNT(*) FROM payments").fetchone()[0]
    finally:
        conn.close()


def test_first_request_charges_once(client, gateway):
    response = pay(client, "key-1")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "succeeded"
    assert body["amount_cents"] == 2500 and body["currency"] == "EUR"
    assert body["charge_id"] == "ch_1" and body["id"]
    assert gateway.calls == [(2500, "EUR", "tok_visa4242")]


def test_retry_replays_without_charging_again(client, gateway, db_path):
    first = pay(client, "key-1")
    second = pay(client, "key-1")
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert len(gateway.calls) == 1
    assert payment_rows(db_path) == 1


def test_field_order_does_not_change_the_request(client, gateway):
    pay(client, "key-1")
    reordered = {"source": "tok_visa4242", "currency": "EUR", "amount_cents": 2500}
    assert pay(client, "key-1", reordered).status_code == 201
    assert len(gateway.calls) == 1


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param({**BODY, "amount_cents": 2600}, id="amount"),
        pytest.param({**BODY, "currency": "USD"}, id="currency"),
        pytest.param({**BODY, "description": "gift"}, id="description"),
    ],
)
def test_same_key_different_body_is_rejected(client, gateway, db_path, changed):
    pay(client, "key-1")
    assert_error(pay(client, "key-1", changed), 422, "idempotency_key_reused")
    assert len(gateway.calls) == 1
    assert payment_rows(db_path) == 1


def test_different_keys_are_different_payments(client, gateway, db_path):
    a = pay(client, "key-a").json()
    b = pay(client, "key-b").json()
    assert a["id"] != b["id"]
    assert len(gateway.calls) == 2
    assert payment_rows(db_path) == 2


def test_decline_is_stored_and_replayed(client, gateway, db_path):
    gateway.decline_reason = "insufficient funds"
    first = pay(client, "key-1")
    assert_error(first, 402, "payment_declined")
    assert "insufficient funds" in first.json()["error"]["message"]
    gateway.decline_reason = None
    second = pay(client, "key-1")
    assert second.status_code == 402 and second.json() == first.json()
    assert len(gateway.calls) == 1
    assert payment_rows(db_path) == 0


def test_gateway_outage_releases_the_key(client, gateway, db_path):
    gateway.unavailable_times = 1
    assert_error(pay(client, "key-1"), 503, "gateway_unavailable")
    assert pay(client, "key-1").status_code == 201
    assert len(gateway.calls) == 2
    assert payment_rows(db_path) == 1


def test_concurrent_retry_gets_409_not_a_second_charge(client, gateway):
    gateway.release = threading.Event()
    results = {}
    worker = threading.Thread(target=lambda: results.setdefault("first", pay(client, "key-1")))
    worker.start()
    try:
        assert gateway.started.wait(5)
        assert_error(pay(client, "key-1"), 409, "request_in_progress")
    finally:
        gateway.release.set()
        worker.join(5)
    assert results["first"].status_code == 201
    assert len(gateway.calls) == 1


def test_keys_survive_a_restart(db_path, gateway):
    first = pay(TestClient(create_app(db_path, gateway)), "key-1")
    again = pay(TestClient(create_app(db_path, gateway)), "key-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert len(gateway.calls) == 1


def test_hostile_key_is_just_a_key(client, gateway):
    assert pay(client, "k'OR'1'='1").status_code == 201
    assert pay(client, "k'--").status_code == 201
    assert len(gateway.calls) == 2


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("k" * 256, id="too-long"),
        pytest.param("has space", id="space"),
    ],
)
def test_bad_idempotency_key_is_422(client, gateway, key):
    assert_error(pay(client, key), 422, "validation_error")
    assert gateway.calls == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({**BODY, "amount_cents": 0}, id="zero"),
        pytest.param({**BODY, "amount_cents": -500}, id="negative"),
        pytest.param({**BODY, "amount_cents": 1_000_001}, id="too-large"),
        pytest.param({**BODY, "amount_cents": 12.5}, id="fractional"),
        pytest.param({**BODY, "currency": "usd"}, id="lowercase-currency"),
        pytest.param({**BODY, "currency": "BTC"}, id="unknown-currency"),
        pytest.param({**BODY, "source": "4242424242424242"}, id="raw-card-number"),
        pytest.param({**BODY, "description": "x" * 201}, id="long-description"),
        pytest.param({**BODY, "status": "succeeded"}, id="unknown-field"),
        pytest.param({"currency": "EUR", "source": "tok_visa4242"}, id="no-amount"),
    ],
)
def test_invalid_body_is_422_and_not_charged(client, gateway, body):
    assert_error(pay(client, "key-1", body), 422, "validation_error")
    assert gateway.calls == []
