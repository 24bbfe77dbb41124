# BAD: broad catch returns None, so callers cannot tell "no such user" from "database is down".
import logging

import asyncpg

logger = logging.getLogger(__name__)


class UserRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def by_email(self, email: str) -> dict | None:
        try:
            async with self._pool.acquire() as conn:
                row = await conn.fetchrow(
                    "SELECT id, email, display_name FROM users WHERE email = $1", email
                )
        except Exception:
            return None
        return dict(row) if row else None

    async def exists(self, email: str) -> bool:
        return await self.by_email(email) is not None


async def lookup(pool: asyncpg.Pool, email: str) -> str:
    user = await UserRepository(pool).by_email(email)
    return user["display_name"] if user else "unknown"
