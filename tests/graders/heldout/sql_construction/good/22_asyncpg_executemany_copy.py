# GOOD: asyncpg executemany with $n params and copy_records_to_table for bulk loads.
import asyncio
from collections.abc import Sequence

import asyncpg

UPSERT = """
INSERT INTO prices (sku, currency, amount)
VALUES ($1, $2, $3)
ON CONFLICT (sku, currency) DO UPDATE SET amount = EXCLUDED.amount
"""


async def upsert_prices(pool: asyncpg.Pool, rows: Sequence[tuple[str, str, int]]) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.executemany(UPSERT, rows)


async def bulk_load(pool: asyncpg.Pool, rows: list[tuple[str, str, int]]) -> None:
    async with pool.acquire() as conn:
        await conn.copy_records_to_table(
            "prices_staging", records=rows, columns=["sku", "currency", "amount"]
        )


async def main() -> None:
    pool = await asyncpg.create_pool("postgresql://localhost/shop")
    try:
        await upsert_prices(pool, [("A1", "EUR", 1299)])
    finally:
        await pool.close()


if __name__ == "__main__":
    asyncio.run(main())
