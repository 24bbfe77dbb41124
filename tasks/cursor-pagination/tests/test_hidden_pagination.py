import base64
import json
import sqlite3

import pytest
from fastapi.testclient import TestClient

from events_api import MissingSecretError, create_app

SECRET = "test-secret-0123456789abcdef"


def _rows():
    rows = []
    # 25 events over 10 timestamps: many ties on created_at, ids not in time order.
    for i in range(1, 26):
        minute = (i * 7) % 10
        kind = "login" if i % 3 else "purchase"
        rows.append((i, kind, f"2024-05-01T10:{minute:02d}:00Z"))
    return rows


def _expected(kind=None):
    rows = [r for r in _rows() if kind is None or r[1] == kind]
    rows.sort(key=lambda r: (r[2], r[0]), reverse=True)
    return [r[0] for r in rows]


@pytest.fixture()
def db_path(tmp_path):
    path = tmp_path / "events.db"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
        "created_at TEXT NOT NULL)"
    )
    conn.executemany("INSERT INTO events VALUES (?, ?, ?)", _rows())
    conn.commit()
    conn.close()
    return path


@pytest.fixture()
def client(db_path, monkeypatch):
    monkeypatch.setenv("CURSOR_SECRET", SECRET)
    with TestClient(create_app(db_path)) as c:
        yield c


def walk(client, limit, **params):
    ids, cursor, pages = [], None, 0
    while True:
        query = {"limit": limit, **params}
        if cursor is not None:
            query["cursor"] = cursor
        response = client.get("/events", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= limit
        ids += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, pages
        assert pages < 50


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_first_page_shape(client):
    body = client.get("/events", params={"limit": 3}).json()
    assert [item["id"] for item in body["items"]] == _expected()[:3]
    assert set(body["items"][0]) == {"id", "kind", "created_at"}
    assert isinstance(body["next_cursor"], str)


def test_default_limit_is_20(client):
    assert len(client.get("/events").json()["items"]) == 20


@pytest.mark.parametrize("limit", [1, 4, 7, 25, 100])
def test_walking_all_pages_yields_every_row_once_in_order(client, limit):
    ids, pages = walk(client, limit)
    assert ids == _expected()
    assert pages == max(1, -(-25 // limit))


def test_last_page_has_no_cursor(client):
    body = client.get("/events", params={"limit": 25}).json()
    assert len(body["items"]) == 25 and body["next_cursor"] is None


def test_kind_filter_paginates(client):
    ids, _ = walk(client, 3, kind="purchase")
    assert ids == _expected("purchase")


def test_rows_inserted_while_paging_do_not_shift_pages(client, db_path):
    first = client.get("/events", params={"limit": 5}).json()
    conn = sqlite3.connect(db_path)
    conn.executemany(
        "INSERT INTO events VALUES (?, ?, ?)",
        [(100 + i, "login", "2024-05-01T11:00:00Z") for i in range(3)],
    )
    conn.commit()
    conn.close()
    second = client.get("/events", params={"limit": 5, "cursor": first["next_cursor"]})
    assert [i["id"] for i in second.json()["items"]] == _expected()[5:10]


def test_injection_in_kind_matches_nothing(client):
    for kind in ["login' OR '1'='1", "x' UNION SELECT 1, 'a', 'b' --", "login; DROP TABLE events"]:
        body = client.get("/events", params={"kind": kind}).json()
        assert body == {"items": [], "next_cursor": None}
    assert len(walk(client, 100)[0]) == 25


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten"])
def test_invalid_limit_is_typed_422(client, limit):
    assert_error(client.get("/events", params={"limit": limit}), 422, "validation_error")


def _tamper_payload(cursor, **changes):
    payload, _, signature = cursor.partition(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    for key in list(data):
        if isinstance(data[key], int) and not isinstance(data[key], bool):
            data[key] = data[key] + 1
    data.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{forged}.{signature}"


@pytest.mark.parametrize(
    "make_cursor",
    [
        pytest.param(lambda good: "garbage", id="garbage"),
        pytest.param(lambda good: "", id="empty"),
        pytest.param(lambda good: good[:-3], id="truncated"),
        pytest.param(lambda good: good[:-2] + ("AA" if good[-2:] != "AA" else "BB"), id="bad-sig"),
        pytest.param(lambda good: "%%%.%%%", id="not-base64"),
        pytest.param(
            lambda good: base64.urlsafe_b64encode(b'{"id": 3}').decode(), id="unsigned-json"
        ),
        pytest.param(_tamper_payload, id="edited-payload"),
    ],
)
def test_tampered_cursor_is_typed_400(client, make_cursor):
    good = client.get("/events", params={"limit": 5}).json()["next_cursor"]
    response = client.get("/events", params={"limit": 5, "cursor": make_cursor(good)})
    assert_error(response, 400, "invalid_cursor")


def test_cursor_from_another_filter_is_rejected(client):
    good = client.get("/events", params={"limit": 2, "kind": "login"}).json()["next_cursor"]
    response = client.get("/events", params={"limit": 2, "kind": "purchase", "cursor": good})
    assert_error(response, 400, "invalid_cursor")
    response = client.get("/events", params={"limit": 2, "cursor": good})
    assert_error(response, 400, "invalid_cursor")


def test_secret_comes_from_environment(db_path, monkeypatch):
    monkeypatch.setenv("CURSOR_SECRET", SECRET)
    with TestClient(create_app(db_path)) as first:
        cursor = first.get("/events", params={"limit": 5}).json()["next_cursor"]
    monkeypatch.setenv("CURSOR_SECRET", "another-secret-fedcba9876543210")
    with TestClient(create_app(db_path)) as second:
        response = second.get("/events", params={"limit": 5, "cursor": cursor})
        assert_error(response, 400, "invalid_cursor")


def test_missing_secret_fails_fast(db_path, monkeypatch):
    monkeypatch.delenv("CURSOR_SECRET", raising=False)
    with pytest.raises(MissingSecretError):
        create_app(db_path)
