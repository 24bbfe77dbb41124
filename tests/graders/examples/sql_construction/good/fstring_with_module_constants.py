# f-string that only interpolates module-level constant names.
import sqlite3

TABLE = "inventory"
COLUMNS = "sku, warehouse, qty"


def low_stock(conn: sqlite3.Connection, threshold: int) -> list[tuple]:
    query = f"SELECT {COLUMNS} FROM {TABLE} WHERE qty < ? ORDER BY qty"
    return conn.execute(query, (threshold,)).fetchall()
