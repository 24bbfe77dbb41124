# asyncpg: latest order per user with one LATERAL join.
import asyncpg


async def latest_orders(pool: asyncpg.Pool) -> list[dict]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            """
            SELECT u.email, o.id AS order_id, o.total
            FROM users u
            LEFT JOIN LATERAL (
                SELECT id, total FROM orders WHERE user_id = u.id ORDER BY created_at DESC LIMIT 1
            ) o ON true
            WHERE u.active
            """
        )
        return [dict(r) for r in rows]
