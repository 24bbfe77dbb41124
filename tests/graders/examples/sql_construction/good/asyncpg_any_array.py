# asyncpg: pass the list as one array parameter with = ANY($1).
import asyncpg


async def recent_orders(pool: asyncpg.Pool, customer_ids: list[str], limit: int):
    async with pool.acquire() as conn:
        return await conn.fetch(
            "SELECT id, total FROM orders WHERE customer_id = ANY($1::text[]) "
            "ORDER BY created_at DESC LIMIT $2",
            customer_ids,
            limit,
        )
