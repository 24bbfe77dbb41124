# Table name checked against a constant allowlist set before use.
import sqlite3

EXPORTABLE_TABLES = frozenset({"customers", "orders", "products"})


def export_table(conn: sqlite3.Connection, table: str) -> list[tuple]:
    if table not in EXPORTABLE_TABLES:
        raise ValueError(f"table {table!r} cannot be exported")
    return conn.execute(f"SELECT * FROM {table}").fetchall()
