# Sort direction validated against an inline tuple of allowed values.
import sqlite3

ALLOWED_SORT = {"name", "email", "created_at"}


def users(conn: sqlite3.Connection, sort_by: str = "name", direction: str = "asc"):
    if sort_by not in ALLOWED_SORT:
        sort_by = "name"
    if direction.lower() not in ("asc", "desc"):
        raise ValueError("direction must be asc or desc")
    query = f"SELECT id, name, email FROM users ORDER BY {sort_by} {direction.upper()} LIMIT ?"
    return conn.execute(query, (100,)).fetchall()
