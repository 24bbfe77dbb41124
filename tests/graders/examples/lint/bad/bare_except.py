# Bare except swallows everything, including KeyboardInterrupt (E722).
import sqlite3


def count_users(conn: sqlite3.Connection) -> int:
    try:
        return conn.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    except:
        return 0
