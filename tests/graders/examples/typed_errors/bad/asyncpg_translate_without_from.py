# asyncpg unique violation mapped to a domain error without from.
import asyncpg


class SlugTakenError(Exception):
    pass


async def create_page(pool: asyncpg.Pool, slug: str, title: str) -> int:
    try:
        return await pool.fetchval(
            "INSERT INTO pages (slug, title) VALUES ($1, $2) RETURNING id", slug, title
        )
    except asyncpg.UniqueViolationError:
        raise SlugTakenError(slug)
