# A small wrapper executes whatever SQL it is given; a caller builds it with an f-string.
import sqlite3

_conn = sqlite3.connect("inventory.db")


def run_query(sql: str, params: tuple = ()) -> list[tuple]:
    cur = _conn.cursor()
    cur.execute(sql, params)
    return cur.fetchall()


def stock_for(sku: str) -> list[tuple]:
    return run_query(f"SELECT warehouse, qty FROM stock WHERE sku = '{sku}'")
