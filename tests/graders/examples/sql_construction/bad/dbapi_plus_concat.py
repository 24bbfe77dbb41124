# Classic + concatenation of a request value into a WHERE clause.
import sqlite3

DB = "app.db"


def search_products(name: str) -> list[tuple]:
    with sqlite3.connect(DB) as conn:
        cur = conn.cursor()
        cur.execute("SELECT id, name, price FROM products WHERE name = '" + name + "'")
        return cur.fetchall()
