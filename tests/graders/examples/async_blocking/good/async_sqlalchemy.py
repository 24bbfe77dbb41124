# Async SQLAlchemy session; every query is awaited.
from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .db import get_session
from .models import Book

app = FastAPI()


@app.get("/books")
async def list_books(session: AsyncSession = Depends(get_session)) -> list[dict]:
    result = await session.scalars(select(Book).limit(50))
    return [{"id": b.id, "title": b.title} for b in result.all()]
