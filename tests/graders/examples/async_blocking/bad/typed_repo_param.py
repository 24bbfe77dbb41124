# async endpoint calls a sync sqlite repository passed in as a typed dependency.
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
    return OrderRepo(sqlite3.connect("orders.db"))


@app.post("/orders/{order_id}/paid")
async def paid(order_id: int, repo: OrderRepo = Depends(get_repo)) -> dict:
    repo.mark_paid(order_id)
    return {"id": order_id, "status": "paid"}
