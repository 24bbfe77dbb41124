# Assigns a local that is never used (F841).
import sqlite3


def delete_order(conn: sqlite3.Connection, order_id: int) -> None:
    result = conn.execute("DELETE FROM orders WHERE id = ?", (order_id,))
    conn.commit()
