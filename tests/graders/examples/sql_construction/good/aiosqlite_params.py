# aiosqlite with ? parameters for reads and writes.
import aiosqlite


async def get_account(db: aiosqlite.Connection, username: str):
    async with db.execute(
        "SELECT id, username, balance FROM accounts WHERE username = ?", (username,)
    ) as cursor:
        return await cursor.fetchone()


async def notes_for(db_path: str, owner: str) -> list[aiosqlite.Row]:
    async with aiosqlite.connect(db_path) as db:
        rows = await db.execute_fetchall("SELECT id, body FROM notes WHERE owner = ?", (owner,))
        return list(rows)
