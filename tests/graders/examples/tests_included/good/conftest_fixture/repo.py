# good: a conftest.py providing a fixture (no hooks) is allowed
import sqlite3


def count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM t").fetchone()[0]
