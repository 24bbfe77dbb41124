# BAD: IN (...) list built by joining the ids themselves (not placeholders) into the SQL text.
import sqlite3
from collections.abc import Iterable


def load_users(conn: sqlite3.Connection, user_ids: Iterable[int]) -> dict[int, str]:
    """Map id -> display name for the given ids (used by the notifications batch)."""
    ids = list(user_ids)
    if not ids:
        return {}
    id_list = ", ".join(str(i) for i in ids)
    rows = conn.execute(
        "SELECT id, display_name FROM users WHERE id IN (" + id_list + ")"
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
