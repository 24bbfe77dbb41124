# Connection setup with constant PRAGMAs and DDL.
import sqlite3

PRAGMAS = ("journal_mode = WAL", "foreign_keys = ON", "busy_timeout = 5000")


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False)
    for pragma in PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
    )
    return conn
