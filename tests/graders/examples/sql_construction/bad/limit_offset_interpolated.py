# Pagination numbers interpolated into LIMIT/OFFSET rather than bound.
import sqlite3


def page(conn: sqlite3.Connection, page: int, per_page: int) -> list[tuple]:
    offset = (page - 1) * per_page
    sql = f"SELECT id, title FROM articles ORDER BY id LIMIT {per_page} OFFSET {offset}"
    return conn.execute(sql).fetchall()
