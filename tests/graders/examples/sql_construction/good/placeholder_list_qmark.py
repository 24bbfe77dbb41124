# IN (...) list built only from ? placeholders; ids passed as parameters.
import sqlite3


def fetch_many(conn: sqlite3.Connection, ids: list[int]) -> list[tuple]:
    if not ids:
        return []
    placeholders = ",".join("?" * len(ids))
    return conn.execute(
        f"SELECT id, title FROM books WHERE id IN ({placeholders})", ids
    ).fetchall()
