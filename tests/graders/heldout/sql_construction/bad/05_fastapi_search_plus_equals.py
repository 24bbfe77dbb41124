# BAD: multi-line search query grown with += and f-strings from optional query params.
import sqlite3
from typing import Optional

from fastapi import FastAPI, Query

app = FastAPI()


def connect() -> sqlite3.Connection:
    return sqlite3.connect("catalog.db", check_same_thread=False)


@app.get("/books")
def search_books(
    author: Optional[str] = None,
    year_from: Optional[int] = None,
    title: Optional[str] = Query(default=None, max_length=100),
):
    sql = "SELECT id, title, author, year FROM books WHERE 1=1"
    if author:
        sql += f" AND author = '{author}'"
    if year_from is not None:
        sql += f" AND year >= {year_from}"
    if title:
        sql += " AND title LIKE '%" + title + "%'"
    sql += " ORDER BY year DESC LIMIT 50"
    conn = connect()
    try:
        rows = conn.execute(sql).fetchall()
    finally:
        conn.close()
    return [{"id": r[0], "title": r[1], "author": r[2], "year": r[3]} for r in rows]
