# Maps sqlite3.IntegrityError to a domain error but drops the cause.
import sqlite3


class DuplicateEmailError(Exception):
    pass


def register(conn: sqlite3.Connection, email: str) -> int:
    try:
        cur = conn.execute("INSERT INTO users (email) VALUES (?)", (email,))
        conn.commit()
        return cur.lastrowid
    except sqlite3.IntegrityError:
        raise DuplicateEmailError(email)
