# asyncpg executemany where the schema name comes from settings at call time.
import asyncpg


async def import_rows(conn: asyncpg.Connection, schema: str, rows: list[tuple[str, int]]) -> None:
    await conn.executemany(
        f"INSERT INTO {schema}.inventory (sku, qty) VALUES ($1, $2)", rows
    )
