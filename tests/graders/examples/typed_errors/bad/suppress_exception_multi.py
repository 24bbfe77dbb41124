# suppress with Exception among other types around an audit write.
import contextlib
import sqlite3


def record_audit(conn: sqlite3.Connection, actor: str, action: str) -> None:
    with contextlib.suppress(sqlite3.OperationalError, Exception):
        conn.execute("INSERT INTO audit (actor, action) VALUES (?, ?)", (actor, action))
        conn.commit()
