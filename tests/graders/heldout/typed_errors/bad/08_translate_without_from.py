# BAD: translates the driver error into a domain error inside `except` without `from`, losing the cause chain.
import sqlite3


class StorageError(Exception):
    """Base class for persistence failures."""


class DuplicateEmail(StorageError):
    def __init__(self, email: str) -> None:
        super().__init__(f"email already registered: {email}")
        self.email = email


def create_user(conn: sqlite3.Connection, email: str, name: str) -> int:
    try:
        cur = conn.execute("INSERT INTO users (email, name) VALUES (?, ?)", (email, name))
        conn.commit()
    except sqlite3.IntegrityError:
        conn.rollback()
        raise DuplicateEmail(email)
    except sqlite3.OperationalError as exc:
        conn.rollback()
        raise StorageError(str(exc))
    return int(cur.lastrowid or 0)


if __name__ == "__main__":
    c = sqlite3.connect(":memory:")
    c.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE, name TEXT)")
    print(create_user(c, "a@example.com", "A"))
