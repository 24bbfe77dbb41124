# BAD: aiosqlite execute() with the session token interpolated into the SQL.
import aiosqlite
from fastapi import FastAPI, Header, HTTPException

app = FastAPI()
DB = "sessions.db"


async def lookup_session(token: str) -> dict | None:
    async with aiosqlite.connect(DB) as db:
        db.row_factory = aiosqlite.Row
        async with db.execute(
            f"SELECT user_id, expires_at FROM sessions WHERE token = '{token}'"
        ) as cursor:
            row = await cursor.fetchone()
    return dict(row) if row else None


@app.get("/me")
async def me(authorization: str = Header(...)):
    token = authorization.removeprefix("Bearer ").strip()
    session = await lookup_session(token)
    if session is None:
        raise HTTPException(status_code=401, detail="invalid session")
    return {"user_id": session["user_id"]}
