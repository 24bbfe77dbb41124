# Repository swallows any database error and returns None.
import sqlite3


class OrderRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, order_id: int):
        try:
            return self.conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
        except Exception as e:
            print(f"db error: {e}")
            return None
