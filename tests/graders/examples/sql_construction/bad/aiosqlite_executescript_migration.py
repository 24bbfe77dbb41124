# aiosqlite executescript running a migration with an interpolated default value.
import aiosqlite


async def add_plan_column(db: aiosqlite.Connection, default_plan: str) -> None:
    await db.executescript(
        "ALTER TABLE accounts ADD COLUMN plan TEXT DEFAULT '" + default_plan + "';"
        "UPDATE accounts SET plan = '" + default_plan + "' WHERE plan IS NULL;"
    )
    await db.commit()
