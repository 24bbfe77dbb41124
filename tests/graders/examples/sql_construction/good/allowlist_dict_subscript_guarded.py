# Sort key validated by subscripting a constant mapping (KeyError -> 400).
from fastapi import FastAPI, HTTPException, Request

app = FastAPI()

ORDERINGS = {
    "newest": "created_at DESC",
    "oldest": "created_at ASC",
    "title": "title ASC",
}


@app.get("/articles")
async def articles(request: Request, order: str = "newest", limit: int = 20):
    try:
        order_sql = ORDERINGS[order]
    except KeyError:
        raise HTTPException(status_code=400, detail="unknown order") from None
    rows = await request.app.state.pool.fetch(
        f"SELECT id, title FROM articles ORDER BY {order_sql} LIMIT $1", limit
    )
    return [dict(r) for r in rows]
