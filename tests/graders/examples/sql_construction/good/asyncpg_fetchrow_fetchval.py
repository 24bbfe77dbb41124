# asyncpg fetchrow / fetchval / execute with positional $ parameters.
import asyncpg


class Accounts:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def by_email(self, email: str) -> asyncpg.Record | None:
        return await self.pool.fetchrow("SELECT id, email FROM users WHERE email = $1", email)

    async def count(self, tenant_id: str) -> int:
        return await self.pool.fetchval("SELECT count(*) FROM users WHERE tenant_id = $1", tenant_id)

    async def deactivate(self, user_id: int) -> None:
        await self.pool.execute("UPDATE users SET active = false WHERE id = $1", user_id)
