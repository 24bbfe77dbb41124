"""Tests for the Books API (run with pytest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app import create_app

DUNE = {"title": "Dune", "author": "Frank Herbert", "isbn": "978-0441172719"}


@pytest.fixture()
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def _create(client: TestClient, **overrides: object) -> dict[str, object]:
    response = client.post("/books", json={**DUNE, **overrides})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_create_then_get_round_trips(client: TestClient) -> None:
    book = _create(client, published_year=1965)
    assert book["isbn"] == "9780441172719"
    assert client.get(f"/books/{book['id']}").json() == book


def test_unknown_id_returns_not_found_body(client: TestClient) -> None:
    response = client.get("/books/7")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_duplicate_isbn_conflicts(client: TestClient) -> None:
    _create(client)
    response = client.post("/books", json={**DUNE, "title": "Other"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"isbn": "9780441172710"}, "isbn"),
        ({"published_year": 99}, "published_year"),
        ({"price": 3}, "price"),
    ],
)
def test_invalid_payload_is_422_with_field(
    client: TestClient, overrides: dict[str, object], field: str
) -> None:
    response = client.post("/books", json={**DUNE, **overrides})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in [d["field"] for d in error["details"]]


def test_patch_updates_only_given_fields(client: TestClient) -> None:
    book = _create(client)
    response = client.patch(f"/books/{book['id']}", json={"author": "F. Herbert"})
    assert response.status_code == 200
    assert response.json() == {**book, "author": "F. Herbert"}


def test_patch_rejects_null_title(client: TestClient) -> None:
    book = _create(client)
    response = client.patch(f"/books/{book['id']}", json={"title": None})
    assert response.status_code == 422


def test_patch_to_another_books_isbn_conflicts(client: TestClient) -> None:
    _create(client)
    other = _create(client, isbn="9780141439587", title="Emma")
    response = client.patch(f"/books/{other['id']}", json={"isbn": DUNE["isbn"]})
    assert response.status_code == 409


def test_delete_then_404(client: TestClient) -> None:
    book = _create(client)
    assert client.delete(f"/books/{book['id']}").status_code == 204
    assert client.get(f"/books/{book['id']}").status_code == 404
    assert client.delete(f"/books/{book['id']}").status_code == 404
