# GOOD: optional filters appended as constant "col = ?" clauses; values collected into params (tricky: += and join).
import sqlite3
from typing import Optional

from fastapi import FastAPI, Query

app = FastAPI()


@app.get("/books")
def search_books(
    author: Optional[str] = None,
    year_from: Optional[int] = None,
    title: Optional[str] = Query(default=None, max_length=100),
):
    clauses: list[str] = []
    params: list[object] = []
    if author:
        clauses.append("author = ?")
        params.append(author)
    if year_from is not None:
        clauses.append("year >= ?")
        params.append(year_from)
    if title:
        clauses.append("title LIKE ?")
        params.append(f"%{title}%")
    sql = "SELECT id, title, author, year FROM books"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY year DESC LIMIT 50"
    conn = sqlite3.connect("catalog.db")
    try:
        rows = conn.execute(sql, params).fetchall()
    finally:
        conn.close()
    return [{"id": r[0], "title": r[1], "author": r[2], "year": r[3]} for r in rows]
