# Helper picks between constant statements; callers pass parameters.
import sqlite3


def _select_sql(include_deleted: bool) -> str:
    if include_deleted:
        return "SELECT id, title FROM posts WHERE author_id = ?"
    return "SELECT id, title FROM posts WHERE author_id = ? AND deleted_at IS NULL"


def posts_by(conn: sqlite3.Connection, author_id: int, include_deleted: bool = False):
    return conn.execute(_select_sql(include_deleted), (author_id,)).fetchall()
