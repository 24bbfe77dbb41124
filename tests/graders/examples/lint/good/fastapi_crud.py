# Clean FastAPI CRUD module: Depends() defaults (B008) are idiomatic and ignored.
from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI()


class Book(BaseModel):
    title: str
    author: str


_BOOKS: dict[int, Book] = {}


def get_store() -> dict[int, Book]:
    return _BOOKS


@app.get("/books/{book_id}")
def read_book(book_id: int, store: dict[int, Book] = Depends(get_store)) -> Book:
    book = store.get(book_id)
    if book is None:
        raise HTTPException(status_code=404, detail="book not found")
    return book
