# BAD: psycopg 3 conn.execute with LIMIT/OFFSET taken from query params via f-string (int() is not parameterization).
import psycopg
from fastapi import FastAPI
from psycopg.rows import dict_row

app = FastAPI()
DSN = "dbname=feed user=app"


@app.get("/posts")
def list_posts(page: int = 1, per_page: int = 20):
    offset = (page - 1) * per_page
    with psycopg.connect(DSN, row_factory=dict_row) as conn:
        rows = conn.execute(
            f"SELECT id, title, created_at FROM posts ORDER BY created_at DESC "
            f"LIMIT {int(per_page)} OFFSET {int(offset)}"
        ).fetchall()
    return {"page": page, "items": rows}


@app.get("/posts/{post_id}")
def get_post(post_id: int):
    with psycopg.connect(DSN, row_factory=dict_row) as conn:
        row = conn.execute("SELECT * FROM posts WHERE id = %s", (post_id,)).fetchone()
    return row or {}
