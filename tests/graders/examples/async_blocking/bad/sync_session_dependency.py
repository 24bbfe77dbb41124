# async def endpoint takes a synchronous SQLAlchemy Session and queries it.
from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import get_db
from .models import Book

app = FastAPI()


@app.get("/books")
async def list_books(db: Session = Depends(get_db)) -> list[dict]:
    books = db.scalars(select(Book).limit(50)).all()
    return [{"id": b.id, "title": b.title} for b in books]
