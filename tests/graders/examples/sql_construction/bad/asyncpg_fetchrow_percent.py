# asyncpg fetchrow with %-formatting of the email.
import asyncpg


async def user_by_email(conn: asyncpg.Connection, email: str) -> asyncpg.Record | None:
    query = "SELECT id, email, created_at FROM users WHERE email = '%s'" % email
    return await conn.fetchrow(query)
