# asyncpg fetchval counting rows for a tenant; tenant id concatenated.
import asyncpg


class Metrics:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def count_events(self, tenant_id: str) -> int:
        sql = "SELECT count(*) FROM events WHERE tenant_id = " + tenant_id
        return await self.pool.fetchval(sql)
