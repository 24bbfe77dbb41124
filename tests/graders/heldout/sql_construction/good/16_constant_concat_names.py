# GOOD: concatenation of module-level constant strings only; values are ? parameters.
import sqlite3

USER_COLUMNS = "id, username, email, created_at"
BASE_SELECT = "SELECT " + USER_COLUMNS + " FROM users"
BY_ID = BASE_SELECT + " WHERE id = ?"
BY_EMAIL = BASE_SELECT + " WHERE lower(email) = lower(?)"
ACTIVE_PAGE = BASE_SELECT + " WHERE active = 1 ORDER BY id LIMIT ? OFFSET ?"


class UserRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def by_id(self, user_id: int) -> tuple | None:
        return self.conn.execute(BY_ID, (user_id,)).fetchone()

    def by_email(self, email: str) -> tuple | None:
        return self.conn.execute(BY_EMAIL, (email,)).fetchone()

    def page(self, page: int, size: int) -> list[tuple]:
        return self.conn.execute(ACTIVE_PAGE, (size, (page - 1) * size)).fetchall()
