# Uses Python's tuple repr to make an IN clause; values end up in SQL text.
import sqlite3


def delete_sessions(conn: sqlite3.Connection, tokens: list[str]) -> int:
    cur = conn.execute(f"DELETE FROM sessions WHERE token IN {tuple(tokens)}")
    conn.commit()
    return cur.rowcount
