# asyncpg: loads users, then awaits one query per user for their latest order.
import asyncpg


async def latest_orders(pool: asyncpg.Pool) -> list[dict]:
    async with pool.acquire() as conn:
        users = await conn.fetch("SELECT id, email FROM users WHERE active")
        result = []
        for user in users:
            order = await conn.fetchrow(
                "SELECT id, total FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1", user["id"]
            )
            result.append({"email": user["email"], "order": dict(order) if order else None})
        return result
