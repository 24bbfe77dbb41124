# Async consumer writes with an asyncpg pool.
import json

import asyncpg


async def handle_message(pool: asyncpg.Pool, body: bytes) -> None:
    event = json.loads(body)
    async with pool.acquire() as conn:
        await conn.execute("INSERT INTO events (id, payload) VALUES ($1, $2)", event["id"], body.decode())
