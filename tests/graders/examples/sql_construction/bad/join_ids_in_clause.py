# IN (...) list built by joining the raw id values, not placeholders.
import sqlite3


def fetch_many(conn: sqlite3.Connection, ids: list[int]) -> list[tuple]:
    if not ids:
        return []
    id_list = ", ".join(str(i) for i in ids)
    return conn.execute(f"SELECT id, title FROM books WHERE id IN ({id_list})").fetchall()
