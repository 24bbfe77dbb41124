# aiosqlite: awaited execute with an f-string interpolating the username.
import aiosqlite


async def get_account(db: aiosqlite.Connection, username: str):
    async with db.execute(
        f"SELECT id, username, balance FROM accounts WHERE username = '{username}'"
    ) as cursor:
        return await cursor.fetchone()
