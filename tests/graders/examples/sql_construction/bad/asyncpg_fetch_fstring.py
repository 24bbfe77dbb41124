# asyncpg fetch with values interpolated by f-string instead of $1 parameters.
import asyncpg


async def recent_orders(pool: asyncpg.Pool, customer_id: str, limit: int):
    async with pool.acquire() as conn:
        return await conn.fetch(
            f"SELECT id, total FROM orders WHERE customer_id = '{customer_id}' "
            f"ORDER BY created_at DESC LIMIT {limit}"
        )
