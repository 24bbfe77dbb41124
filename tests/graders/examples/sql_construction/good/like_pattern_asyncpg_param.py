# asyncpg ILIKE with the pattern built inline as an argument value.
import asyncpg


async def search_books(pool: asyncpg.Pool, author: str) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT id, title FROM books WHERE author ILIKE $1 ORDER BY title",
        f"%{author}%",
    )
