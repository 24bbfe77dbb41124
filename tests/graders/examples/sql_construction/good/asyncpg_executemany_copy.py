# asyncpg bulk import: executemany with a constant statement and copy_records_to_table.
import asyncpg


async def import_rows(conn: asyncpg.Connection, rows: list[tuple[str, int]]) -> None:
    async with conn.transaction():
        await conn.executemany(
            "INSERT INTO inventory (sku, qty) VALUES ($1, $2) "
            "ON CONFLICT (sku) DO UPDATE SET qty = EXCLUDED.qty",
            rows,
        )


async def import_fast(conn: asyncpg.Connection, rows: list[tuple[str, int]]) -> None:
    await conn.copy_records_to_table("inventory", records=rows, columns=["sku", "qty"])
