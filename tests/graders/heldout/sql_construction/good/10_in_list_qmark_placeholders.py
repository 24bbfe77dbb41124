# GOOD: IN (...) placeholders built only from "?" and the ids passed as parameters.
import sqlite3
from collections.abc import Sequence


def load_users(conn: sqlite3.Connection, user_ids: Sequence[int]) -> dict[int, str]:
    """Map id -> display name for the given ids."""
    if not user_ids:
        return {}
    placeholders = ",".join("?" * len(user_ids))
    rows = conn.execute(
        f"SELECT id, display_name FROM users WHERE id IN ({placeholders})",
        tuple(user_ids),
    ).fetchall()
    return {row[0]: row[1] for row in rows}


def notify(conn: sqlite3.Connection, user_ids: list[int], message: str) -> int:
    names = load_users(conn, user_ids)
    conn.executemany(
        "INSERT INTO notifications (user_id, body) VALUES (?, ?)",
        [(uid, f"Hi {name}, {message}") for uid, name in names.items()],
    )
    conn.commit()
    return len(names)
