# str.format() fills a status filter into the SQL text before execute.
import sqlite3


def orders_with_status(conn: sqlite3.Connection, status: str) -> list[tuple]:
    query = "SELECT id, total FROM orders WHERE status = '{}' ORDER BY id".format(status)
    cur = conn.cursor()
    cur.execute(query)
    return cur.fetchall()
