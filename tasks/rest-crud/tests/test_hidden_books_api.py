import pytest
from fastapi.testclient import TestClient

from app import create_app

VALID = {"title": "Dune", "author": "Frank Herbert", "isbn": "9780441172719"}
OTHER = {"title": "Emma", "author": "Jane Austen", "isbn": "978-0-14-143958-7"}


@pytest.fixture()
def client():
    with TestClient(create_app()) as c:
        yield c


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def test_create_and_get(client):
    created = client.post("/books", json={**VALID, "published_year": 1965})
    assert created.status_code == 201
    book = created.json()
    assert book["id"] >= 1
    assert book["title"] == "Dune" and book["published_year"] == 1965
    fetched = client.get(f"/books/{book['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == book


def test_isbn_hyphens_are_normalised(client):
    book = client.post("/books", json=OTHER).json()
    assert book["isbn"] == "9780141439587"


def test_list_books_in_creation_order(client):
    first = client.post("/books", json=VALID).json()
    second = client.post("/books", json=OTHER).json()
    listed = client.get("/books")
    assert listed.status_code == 200
    assert [b["id"] for b in listed.json()] == [first["id"], second["id"]]


def test_get_missing_is_typed_404(client):
    assert_error(client.get("/books/999"), 404, "not_found")


def test_duplicate_isbn_is_typed_409(client):
    assert client.post("/books", json=VALID).status_code == 201
    again = {**VALID, "title": "Dune (reprint)", "isbn": "978-0441172719"}
    assert_error(client.post("/books", json=again), 409, "conflict")
    assert len(client.get("/books").json()) == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({**VALID, "title": ""}, "title", id="empty-title"),
        pytest.param({**VALID, "title": "   "}, "title", id="blank-title"),
        pytest.param({**VALID, "title": "x" * 201}, "title", id="long-title"),
        pytest.param({k: v for k, v in VALID.items() if k != "author"}, "author", id="no-author"),
        pytest.param({**VALID, "isbn": "12345"}, "isbn", id="short-isbn"),
        pytest.param({**VALID, "isbn": "9780441172710"}, "isbn", id="bad-checksum"),
        pytest.param({**VALID, "published_year": 1200}, "published_year", id="year-too-old"),
        pytest.param({**VALID, "published_year": 3000}, "published_year", id="year-future"),
        pytest.param({**VALID, "published_year": "soon"}, "published_year", id="year-text"),
        pytest.param({**VALID, "is_admin": True}, "is_admin", id="unknown-field"),
    ],
)
def test_invalid_create_is_typed_422(client, payload, field):
    error = assert_error(client.post("/books", json=payload), 422, "validation_error")
    assert field in [d["field"] for d in error["details"]]
    assert client.get("/books").json() == []


def test_malformed_json_is_typed_422(client):
    response = client.post(
        "/books", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(response, 422, "validation_error")


def test_non_integer_id_is_typed_422(client):
    assert_error(client.get("/books/abc"), 422, "validation_error")


def test_patch_changes_only_given_fields(client):
    book = client.post("/books", json=VALID).json()
    patched = client.patch(f"/books/{book['id']}", json={"title": "Dune Messiah"})
    assert patched.status_code == 200
    assert patched.json() == {**book, "title": "Dune Messiah"}
    assert client.get(f"/books/{book['id']}").json()["title"] == "Dune Messiah"


def test_patch_to_taken_isbn_is_409(client):
    client.post("/books", json=VALID)
    other = client.post("/books", json=OTHER).json()
    response = client.patch(f"/books/{other['id']}", json={"isbn": VALID["isbn"]})
    assert_error(response, 409, "conflict")
    assert client.get(f"/books/{other['id']}").json()["isbn"] == "9780141439587"


def test_patch_keeping_own_isbn_is_fine(client):
    book = client.post("/books", json=VALID).json()
    response = client.patch(f"/books/{book['id']}", json={"isbn": VALID["isbn"]})
    assert response.status_code == 200


def test_patch_rejects_invalid_and_null(client):
    book = client.post("/books", json=VALID).json()
    url = f"/books/{book['id']}"
    assert_error(client.patch(url, json={"title": None}), 422, "validation_error")
    assert_error(client.patch(url, json={"isbn": "x"}), 422, "validation_error")
    assert client.get(f"/books/{book['id']}").json() == book


def test_patch_missing_is_404(client):
    assert_error(client.patch("/books/42", json={"title": "x"}), 404, "not_found")


def test_delete(client):
    book = client.post("/books", json=VALID).json()
    deleted = client.delete(f"/books/{book['id']}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_error(client.get(f"/books/{book['id']}"), 404, "not_found")
    assert_error(client.delete(f"/books/{book['id']}"), 404, "not_found")

