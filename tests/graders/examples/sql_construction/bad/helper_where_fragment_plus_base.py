# Helper returns only a WHERE fragment with data; caller prepends a constant base.
import sqlite3

BASE = "SELECT id, sku, qty FROM stock"


def _filter_clause(warehouse: str) -> str:
    clause = " WHERE warehouse = "
    clause += "'" + warehouse + "'"
    return clause


def stock_in(conn: sqlite3.Connection, warehouse: str) -> list[tuple]:
    return conn.execute(BASE + _filter_clause(warehouse)).fetchall()
