# sqlite3 cursor.execute with a user id interpolated into an f-string.
import sqlite3


def get_user(db_path: str, user_id: int) -> dict | None:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        cur = conn.cursor()
        cur.execute(f"SELECT id, email, name FROM users WHERE id = {user_id}")
        row = cur.fetchone()
        return dict(row) if row else None
    finally:
        conn.close()
