# Optional filters appended with += and f-strings (multi-line build).
import sqlite3


def list_orders(conn: sqlite3.Connection, status: str | None, customer: str | None):
    query = "SELECT id, customer, status, total FROM orders WHERE 1=1"
    if status:
        query += f" AND status = '{status}'"
    if customer:
        query += " AND customer = '" + customer + "'"
    query += " ORDER BY created_at DESC"
    return conn.execute(query).fetchall()
