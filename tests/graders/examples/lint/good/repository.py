# A small sqlite repository with typed errors and no lint findings.
import sqlite3
from dataclasses import dataclass


class NotFoundError(LookupError):
    pass


@dataclass(frozen=True)
class User:
    id: int
    email: str


def get_user(conn: sqlite3.Connection, user_id: int) -> User:
    row = conn.execute("SELECT id, email FROM users WHERE id = ?", (user_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"user {user_id}")
    return User(id=row[0], email=row[1])
