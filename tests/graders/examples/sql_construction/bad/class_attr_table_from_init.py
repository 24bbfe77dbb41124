# Table name is an instance attribute set from a constructor argument.
import sqlite3


class Table:
    def __init__(self, conn: sqlite3.Connection, name: str) -> None:
        self.conn = conn
        self.name = name

    def count(self) -> int:
        return self.conn.execute(f"SELECT COUNT(*) FROM {self.name}").fetchone()[0]
