"""Books API: CRUD over an in-memory store, with typed errors mapped to HTTP statuses.

Every error response has the same body, ``{"error": {"code", "message", "details"}}``:

| status | code               | raised as          |
| ------ | ------------------ | ------------------ |
| 404    | ``not_found``      | ``BookNotFound``   |
| 409    | ``conflict``       | ``DuplicateIsbn``  |
| 422    | ``validation_error`` | request validation |
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import Body, FastAPI, Path, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

__all__ = [
    "Book",
    "BookNotFound",
    "BookStore",
    "DuplicateIsbn",
    "ErrorBody",
    "create_app",
]

class BooksError(Exception):
    """Base class for domain errors; each subclass maps to one HTTP status."""

    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    code = "internal_error"


class BookNotFound(BooksError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"

    def __init__(self, book_id: int) -> None:
        super().__init__(f"book {book_id} does not exist")
        self.book_id = book_id


class DuplicateIsbn(BooksError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"

    def __init__(self, isbn: str) -> None:
        super().__init__(f"a book with ISBN {isbn} already exists")
        self.isbn = isbn


class ErrorDetail(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. `isbn`.")
    message: str


class ErrorInfo(BaseModel):
    code: str = Field(description="`not_found`, `conflict` or `validation_error`.")
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """The body of every 4xx response."""

    error: ErrorInfo


class Book(BaseModel):
    """A stored book."""

    id: int
    title: str
    author: str
    isbn: str
    published_year: int | None = None


class BookStore:
    """Thread-safe in-memory storage; ISBNs are unique. Payloads are stored as sent."""

    def __init__(self) -> None:
        self._books: dict[int, Book] = {}
        self._next_id = 1
        self._lock = threading.Lock()

    def _check_isbn_free(self, isbn: str, exclude_id: int | None = None) -> None:
        for book in self._books.values():
            if book.isbn == isbn and book.id != exclude_id:
                raise DuplicateIsbn(isbn)

    def create(self, data: dict[str, Any]) -> Book:
        with self._lock:
            self._check_isbn_free(data.get("isbn", ""))
            book = Book.model_construct(id=self._next_id, **data)
            self._books[book.id] = book
            self._next_id += 1
            return book

    def get(self, book_id: int) -> Book:
        with self._lock:
            try:
                return self._books[book_id]
            except KeyError:
                raise BookNotFound(book_id) from None

    def all(self) -> list[Book]:
        with self._lock:
            return sorted(self._books.values(), key=lambda b: b.id)

    def update(self, book_id: int, changes: dict[str, Any]) -> Book:
        with self._lock:
            if book_id not in self._books:
                raise BookNotFound(book_id)
            fields = dict(changes)
            if fields.get("isbn") is not None:
                self._check_isbn_free(fields["isbn"], exclude_id=book_id)
            book = self._books[book_id].model_copy(update=fields)
            self._books[book_id] = book
            return book

    def delete(self, book_id: int) -> None:
        with self._lock:
            if self._books.pop(book_id, None) is None:
                raise BookNotFound(book_id)


def _error(
    status_code: int, code: str, message: str, details: list[ErrorDetail]
) -> JSONResponse:
    body = ErrorBody(error=ErrorInfo(code=code, message=message, details=details))
    return JSONResponse(status_code=status_code, content=body.model_dump())


async def _books_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BooksError)
    return _error(exc.status_code, exc.code, str(exc), [])


def _field_path(loc: tuple[int | str, ...]) -> str:
    """``("body", "isbn")`` -> ``"isbn"``; the request part itself is dropped."""
    if loc and loc[0] in ("body", "path", "query"):
        loc = loc[1:]
    return ".".join(str(p) for p in loc) or "body"


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        ErrorDetail(field=_field_path(err["loc"]), message=err["msg"])
        for err in exc.errors()
    ]
    return _error(422, "validation_error", "request is invalid", details)


Responses = dict[int | str, dict[str, Any]]
_NOT_FOUND: Responses = {404: {"model": ErrorBody, "description": "No such book."}}
_CONFLICT: Responses = {409: {"model": ErrorBody, "description": "ISBN already taken."}}
_INVALID: Responses = {422: {"model": ErrorBody, "description": "Validation failed."}}
BookId = Annotated[int, Path(ge=1, description="The book's id.")]


def create_app(store: BookStore | None = None) -> FastAPI:
    """Build the Books API over ``store`` (a fresh in-memory store by default)."""
    books = store or BookStore()
    app = FastAPI(
        title="Books API",
        version="1.0.0",
        description="CRUD for the library catalogue; every error uses `ErrorBody`.",
    )
    app.add_exception_handler(BooksError, _books_error)
    app.add_exception_handler(RequestValidationError, _validation_error)

    @app.post(
        "/books",
        status_code=201,
        response_model=Book,
        summary="Create a book",
        responses={**_CONFLICT, **_INVALID},
    )
    def create_book(payload: Annotated[dict[str, Any], Body()]) -> Book:
        """Create a book. The ISBN must be unique across the catalogue."""
        return books.create(payload)

    @app.get("/books", response_model=list[Book], summary="List books")
    def list_books() -> list[Book]:
        """All books, in creation order."""
        return books.all()

    @app.get(
        "/books/{book_id}",
        response_model=Book,
        summary="Get a book",
        responses={**_NOT_FOUND, **_INVALID},
    )
    def get_book(book_id: BookId) -> Book:
        """Fetch one book by id."""
        return books.get(book_id)

    @app.patch(
        "/books/{book_id}",
        response_model=Book,
        summary="Update a book",
        responses={**_NOT_FOUND, **_CONFLICT, **_INVALID},
    )
    def update_book(
        book_id: BookId, payload: Annotated[dict[str, Any], Body()]
    ) -> Book:
        """Change the given fields; omitted fields keep their values."""
        return books.update(book_id, payload)

    @app.delete(
        "/books/{book_id}",
        status_code=204,
        summary="Delete a book",
        responses={**_NOT_FOUND, **_INVALID},
    )
    def delete_book(book_id: BookId) -> Response:
        """Delete one book."""
        books.delete(book_id)
        return Response(status_code=204)

    return app


app = create_app()
