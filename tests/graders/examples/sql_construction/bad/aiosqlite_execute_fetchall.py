# aiosqlite execute_fetchall with a concatenated LIKE pattern in the SQL text.
import aiosqlite


async def search_notes(db_path: str, term: str) -> list[aiosqlite.Row]:
    async with aiosqlite.connect(db_path) as db:
        sql = "SELECT id, body FROM notes WHERE body LIKE '%" + term + "%'"
        rows = await db.execute_fetchall(sql)
        return list(rows)
