# BAD: looks like an allowlist, but SORTS.get(sort, sort) falls back to the raw user value in ORDER BY.
import sqlite3

from fastapi import FastAPI

app = FastAPI()

SORTS = {
    "newest": "created_at DESC",
    "oldest": "created_at ASC",
    "price": "price_cents ASC",
}


@app.get("/listings")
def listings(sort: str = "newest", city: str = "Berlin"):
    order_by = SORTS.get(sort, sort)
    conn = sqlite3.connect("market.db")
    try:
        rows = conn.execute(
            "SELECT id, title, price_cents FROM listings WHERE city = ? ORDER BY " + order_by,
            (city,),
        ).fetchall()
    finally:
        conn.close()
    return [{"id": r[0], "title": r[1], "price_cents": r[2]} for r in rows]


@app.get("/cities")
def cities():
    conn = sqlite3.connect("market.db")
    try:
        return [r[0] for r in conn.execute("SELECT DISTINCT city FROM listings").fetchall()]
    finally:
        conn.close()
