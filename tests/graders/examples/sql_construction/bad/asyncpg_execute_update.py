# asyncpg execute for an UPDATE with values formatted into the statement.
import asyncpg


async def set_status(pool: asyncpg.Pool, order_id: int, status: str) -> None:
    stmt = "UPDATE orders SET status = '{status}' WHERE id = {oid}".format(
        status=status, oid=order_id
    )
    await pool.execute(stmt)
