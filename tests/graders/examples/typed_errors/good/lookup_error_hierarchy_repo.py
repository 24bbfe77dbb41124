# Repository raising LookupError subclasses; caller catches the base type.
import sqlite3


class RecordNotFoundError(LookupError):
    def __init__(self, table: str, key: object) -> None:
        super().__init__(f"{table}: no row for {key!r}")


class UserRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, user_id: int) -> tuple:
        row = self.conn.execute("SELECT id, email FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            raise RecordNotFoundError("users", user_id)
        return row


def email_or_none(repo: UserRepo, user_id: int) -> str | None:
    try:
        return repo.get(user_id)[1]
    except RecordNotFoundError:
        return None
