# Dynamic UPDATE: only columns from a constant allowlist, values as parameters.
import sqlite3

UPDATABLE = ("display_name", "bio", "avatar_url")


def update_profile(conn: sqlite3.Connection, user_id: int, patch: dict[str, object]) -> None:
    columns = [c for c in UPDATABLE if c in patch]
    if not columns:
        return
    assignments = ", ".join(f"{c} = ?" for c in columns)
    values = [patch[c] for c in columns]
    conn.execute(f"UPDATE profiles SET {assignments} WHERE user_id = ?", [*values, user_id])
    conn.commit()
