# The sync sqlite repository is called through asyncio.to_thread from the async endpoint.
import asyncio
import sqlite3

from fastapi import Depends, FastAPI

app = FastAPI()


class OrderRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def mark_paid(self, order_id: int) -> None:
        with self.conn:
            self.conn.execute("UPDATE orders SET status = 'paid' WHERE id = ?", (order_id,))


def get_repo() -> OrderRepo:
    return OrderRepo(sqlite3.connect("orders.db", check_same_thread=False))


@app.post("/orders/{order_id}/paid")
async def paid(order_id: int, repo: OrderRepo = Depends(get_repo)) -> dict:
    await asyncio.to_thread(repo.mark_paid, order_id)
    return {"id": order_id, "status": "paid"}
