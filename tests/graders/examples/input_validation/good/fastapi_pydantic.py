# FastAPI endpoint with a pydantic model body with field constraints.
from fastapi import FastAPI
from pydantic import BaseModel, Field

from .db import insert_book

app = FastAPI()


class BookIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    author: str = Field(min_length=1, max_length=120)
    year: int | None = Field(default=None, ge=1450, le=2100)


@app.post("/books", status_code=201)
async def create_book(book: BookIn) -> dict:
    return {"id": insert_book(**book.model_dump())}
