# FastAPI endpoint: sort column and direction from the query string go into text().
from fastapi import Depends, FastAPI
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import get_session

app = FastAPI()


@app.get("/items")
def list_items(sort: str = "id", direction: str = "asc", db: Session = Depends(get_session)):
    rows = db.execute(text(f"SELECT id, name FROM items ORDER BY {sort} {direction}"))
    return [dict(r._mapping) for r in rows]
