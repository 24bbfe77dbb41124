# Queries kept as module-level constants and executed with parameters.
import sqlite3

SELECT_ORDER = """
    SELECT id, customer, status, total
    FROM orders
    WHERE id = ?
"""
UPDATE_STATUS = "UPDATE orders SET status = ? WHERE id = ?"


class OrderRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, order_id: int):
        return self.conn.execute(SELECT_ORDER, (order_id,)).fetchone()

    def set_status(self, order_id: int, status: str) -> None:
        self.conn.execute(UPDATE_STATUS, (status, order_id))
        self.conn.commit()
