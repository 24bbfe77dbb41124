# asyncpg cursor() iteration over a query with an interpolated cutoff date.
import asyncpg


async def stream_old_events(conn: asyncpg.Connection, cutoff: str):
    async with conn.transaction():
        async for record in conn.cursor(f"SELECT id, payload FROM events WHERE ts < '{cutoff}'"):
            yield record
