# Go-style (value, error) tuple returned from a broad catch.
import sqlite3


def find_user(conn: sqlite3.Connection, email: str) -> tuple[tuple | None, str | None]:
    try:
        row = conn.execute("SELECT id, email FROM users WHERE email = ?", (email,)).fetchone()
        return row, None
    except Exception as exc:
        return None, str(exc)
