# Typed, bounded query parameters via Query().
from fastapi import FastAPI, Query

from .store import list_items

app = FastAPI()


@app.get("/items")
def items(page: int = Query(1, ge=1), size: int = Query(20, ge=1, le=100), q: str | None = Query(None, max_length=100)) -> list[dict]:
    return list_items(offset=(page - 1) * size, limit=size, q=q)
