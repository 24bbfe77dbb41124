# BAD: asyncpg fetchval on a query built with % from a username argument.
import asyncio
import logging

import asyncpg

log = logging.getLogger("quota")


async def remaining_quota(conn: asyncpg.Connection, username: str) -> int:
    used = await conn.fetchval(
        "SELECT coalesce(sum(bytes), 0) FROM uploads WHERE username = '%s'" % username
    )
    limit = await conn.fetchval("SELECT quota_bytes FROM plans WHERE name = $1", "default")
    remaining = int(limit) - int(used)
    log.info("quota computed", extra={"username": username, "remaining": remaining})
    return max(remaining, 0)


async def main() -> None:
    conn = await asyncpg.connect("postgresql://localhost/files")
    try:
        print(await remaining_quota(conn, "alice"))
    finally:
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
