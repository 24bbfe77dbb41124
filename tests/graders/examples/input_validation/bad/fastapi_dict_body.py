# FastAPI endpoint accepts the body as a raw dict and inserts it as is.
from fastapi import FastAPI

from .db import insert_book

app = FastAPI()


@app.post("/books", status_code=201)
async def create_book(payload: dict) -> dict:
    book_id = insert_book(title=payload["title"], author=payload["author"], year=payload.get("year"))
    return {"id": book_id}
