# ORDER BY column chosen through a constant allowlist dict lookup.
import sqlite3

SORT_COLUMNS = {
    "name": "name",
    "created": "created_at",
    "price": "price_cents",
}


def list_products(conn: sqlite3.Connection, sort: str, descending: bool = False):
    column = SORT_COLUMNS.get(sort, "id")
    direction = "DESC" if descending else "ASC"
    sql = f"SELECT id, name, price_cents FROM products ORDER BY {column} {direction}"
    return conn.execute(sql).fetchall()
