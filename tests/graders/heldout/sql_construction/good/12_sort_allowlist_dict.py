# GOOD: ORDER BY fragment comes from a constant allowlist dict indexed by the user's key (unknown key -> 422).
import sqlite3

from fastapi import FastAPI, HTTPException

app = FastAPI()

SORTS = {
    "newest": "created_at DESC",
    "oldest": "created_at ASC",
    "price": "price_cents ASC",
}


@app.get("/listings")
def listings(sort: str = "newest", city: str = "Berlin"):
    try:
        order_by = SORTS[sort]
    except KeyError as exc:
        raise HTTPException(status_code=422, detail=f"sort must be one of {sorted(SORTS)}") from exc
    conn = sqlite3.connect("market.db")
    try:
        rows = conn.execute(
            f"SELECT id, title, price_cents FROM listings WHERE city = ? ORDER BY {order_by}",
            (city,),
        ).fetchall()
    finally:
        conn.close()
    return [{"id": r[0], "title": r[1], "price_cents": r[2]} for r in rows]
