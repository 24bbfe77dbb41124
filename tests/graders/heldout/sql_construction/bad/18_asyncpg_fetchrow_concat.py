# BAD: asyncpg fetchrow with the API key concatenated into the query string.
import hashlib

import asyncpg


class ApiKeyStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @staticmethod
    def _digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    async def owner_of(self, key: str) -> str | None:
        digest = self._digest(key)
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT owner FROM api_keys WHERE digest = '" + digest + "' AND revoked = false"
            )
        return row["owner"] if row else None

    async def revoke(self, key: str) -> None:
        async with self._pool.acquire() as conn:
            await conn.execute(
                "UPDATE api_keys SET revoked = true WHERE digest = $1", self._digest(key)
            )
