# asyncpg $n placeholders numbered from range(); values passed as arguments.
import asyncpg


async def users_by_ids(conn: asyncpg.Connection, ids: list[int]) -> list[asyncpg.Record]:
    if not ids:
        return []
    placeholders = ", ".join(f"${i}" for i in range(1, len(ids) + 1))
    return await conn.fetch(f"SELECT id, email FROM users WHERE id IN ({placeholders})", *ids)
