# BAD: dependency probe catches Exception and returns False; the reason is lost and errors look like "down".
import asyncio
import logging

import asyncpg
import httpx

logger = logging.getLogger(__name__)


async def database_ok(dsn: str) -> bool:
    try:
        conn = await asyncpg.connect(dsn, timeout=2)
        try:
            await conn.fetchval("SELECT 1")
        finally:
            await conn.close()
        return True
    except Exception:
        return False


async def upstream_ok(url: str) -> bool:
    async with httpx.AsyncClient(timeout=2.0) as client:
        resp = await client.get(url)
    return resp.status_code == 200


async def readiness(dsn: str, url: str) -> dict[str, bool]:
    db, up = await asyncio.gather(database_ok(dsn), upstream_ok(url))
    return {"database": db, "upstream": up}
