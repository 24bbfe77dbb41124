# GOOD: aiosqlite session lookup with a ? parameter; the token never enters the SQL text.
import aiosqlite
from fastapi import FastAPI, Header, HTTPException

app = FastAPI()
DB = "sessions.db"
SESSION_SQL = "SELECT user_id, expires_at FROM sessions WHERE token = ? AND expires_at > datetime('now')"


async def lookup_session(token: str) -> dict | None:
    async with aiosqlite.connect(DB) as db:
        db.row_factory = aiosqlite.Row
        async with db.execute(SESSION_SQL, (token,)) as cursor:
            row = await cursor.fetchone()
    return dict(row) if row else None


@app.get("/me")
async def me(authorization: str = Header(...)):
    token = authorization.removeprefix("Bearer ").strip()
    session = await lookup_session(token)
    if session is None:
        raise HTTPException(status_code=401, detail="invalid session")
    return {"user_id": session["user_id"]}
