# Update endpoint typed as dict[str, Any] and applied with setattr.
from typing import Any

from fastapi import Body, FastAPI

from .db import get_book, save

app = FastAPI()


@app.patch("/books/{book_id}")
def update_book(book_id: int, changes: dict[str, Any] = Body(...)) -> dict:
    book = get_book(book_id)
    for key, value in changes.items():
        setattr(book, key, value)
    save(book)
    return {"id": book.id}
