# Tornado HTTP fetch with an f-string URL next to a parameterized DB query.
import sqlite3

from tornado.httpclient import AsyncHTTPClient


async def sync_user(conn: sqlite3.Connection, user_id: int) -> None:
    client = AsyncHTTPClient()
    response = await client.fetch(f"https://api.example.com/users/{user_id}")
    conn.execute("UPDATE users SET profile = ? WHERE id = ?", (response.body, user_id))
    conn.commit()
