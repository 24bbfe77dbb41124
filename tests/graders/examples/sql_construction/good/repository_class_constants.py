# Repository with class-level constant SQL and the table name as a class constant.
import sqlite3


class SessionStore:
    TABLE = "sessions"
    _GET = "SELECT user_id, expires_at FROM sessions WHERE token = ?"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, token: str):
        return self._conn.execute(self._GET, (token,)).fetchone()

    def purge(self, before: str) -> int:
        cur = self._conn.execute(f"DELETE FROM {self.TABLE} WHERE expires_at < ?", (before,))
        self._conn.commit()
        return cur.rowcount
