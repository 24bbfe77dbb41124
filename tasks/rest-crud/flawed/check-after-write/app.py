"""Books API: CRUD over an in-memory store, with typed errors mapped to HTTP statuses.

Every error response has the same body, ``{"error": {"code", "message", "details"}}``:

| status | code               | raised as          |
| ------ | ------------------ | ------------------ |
| 404    | ``not_found``      | ``BookNotFound``   |
| 409    | ``conflict``       | ``DuplicateIsbn``  |
| 422    | ``validation_error`` | request validation |
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Annotated, Any

from fastapi import FastAPI, Path, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "Book",
    "BookCreate",
    "BookNotFound",
    "BookStore",
    "BookUpdate",
    "DuplicateIsbn",
    "ErrorBody",
    "create_app",
]

MIN_YEAR = 1450


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


def _check_isbn13(value: str) -> str:
    digits = value.replace("-", "")
    if len(digits) != 13 or not digits.isdigit():
        raise ValueError("ISBN must be 13 digits (hyphens allowed)")
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
    if total % 10 != 0:
        raise ValueError("ISBN check digit is wrong")
    return digits


def _check_not_future(value: int) -> int:
    if value > dt.date.today().year:
        raise ValueError("published_year cannot be in the future")
    return value


Title = Annotated[str, Field(min_length=1, max_length=200, description="Book title.")]
Author = Annotated[str, Field(min_length=1, max_length=100, description="Author name.")]
Isbn = Annotated[
    str,
    Field(description="ISBN-13; hyphens are stripped on input."),
    AfterValidator(_check_isbn13),
]
Year = Annotated[
    int,
    Field(ge=MIN_YEAR, description="Year of first publication."),
    AfterValidator(_check_not_future),
]


class BookCreate(BaseModel):
    """Payload of ``POST /books``. Unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Title
    author: Author
    isbn: Isbn
    published_year: Year | None = None


class BookUpdate(BaseModel):
    """Payload of ``PATCH /books/{id}``: only the fields given are changed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Title | None = None
    author: Author | None = None
    isbn: Isbn | None = None
    published_year: Year | None = None

    @model_validator(mode="after")
    def _required_fields_not_null(self) -> BookUpdate:
        for name in ("title", "author", "isbn"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class Book(BaseModel):
    """A stored book."""

    id: int
    title: str
    author: str
    isbn: str
    published_year: int | None = None


class BookStore:
    """Thread-safe in-memory storage; ISBNs are unique."""

    def __init__(self) -> None:
        self._books: dict[int, Book] = {}
        self._next_id = 1
        self._lock = threading.Lock()

    def _check_isbn_free(self, isbn: str, exclude_id: int | None = None) -> None:
        for book in self._books.values():
            if book.isbn == isbn and book.id != exclude_id:
                raise DuplicateIsbn(isbn)

    def create(self, data: BookCreate) -> Book:
        with self._lock:
            book = Book(id=self._next_id, **data.model_dump())
            self._next_id += 1
            self._check_isbn_free(data.isbn)
            self._books[book.id] = book
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

    def update(self, book_id: int, changes: BookUpdate) -> Book:
        with self._lock:
            if book_id not in self._books:
                raise BookNotFound(book_id)
            book = self._books[book_id]
            # Apply field by field; the uniqueness check happens when we reach the ISBN.
            for name, value in changes.model_dump(exclude_unset=True).items():
                if name == "isbn" and value is not None:
                    self._check_isbn_free(value, exclude_id=book_id)
                book = book.model_copy(update={name: value})
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
    def create_book(payload: BookCreate) -> Book:
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
    def update_book(book_id: BookId, payload: BookUpdate) -> Book:
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
