# Repository method builds the SQL string via a private helper method.
import sqlite3
from dataclasses import dataclass


@dataclass
class Filter:
    field: str
    value: str


class ProductRepository:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def _where(self, filters: list[Filter]) -> str:
        parts = []
        for f in filters:
            parts.append(f"{f.field} = '{f.value}'")
        return " AND ".join(parts) if parts else "1=1"

    def search(self, filters: list[Filter]) -> list[sqlite3.Row]:
        sql = "SELECT * FROM products WHERE " + self._where(filters)
        return self._conn.execute(sql).fetchall()
