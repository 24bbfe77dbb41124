# sqlite3 with ? placeholders; values passed as driver parameters.
import sqlite3


def get_user(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row | None:
    cur = conn.cursor()
    cur.execute("SELECT id, email, name FROM users WHERE id = ?", (user_id,))
    return cur.fetchone()


def create_user(conn: sqlite3.Connection, email: str, name: str) -> int:
    cur = conn.execute("INSERT INTO users (email, name) VALUES (?, ?)", (email, name))
    conn.commit()
    return cur.lastrowid
