# FastAPI + asyncpg endpoint building a search query with optional parts.
from fastapi import FastAPI, Request

app = FastAPI()


@app.get("/books")
async def books(request: Request, author: str | None = None, year: int | None = None):
    pool = request.app.state.pool
    sql = "SELECT id, title, author, year FROM books"
    where = []
    if author:
        where.append(f"author ILIKE '%{author}%'")
    if year is not None:
        where.append(f"year = {year}")
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = await pool.fetch(sql)
    return [dict(r) for r in rows]
