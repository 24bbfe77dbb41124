# A thin query wrapper; every caller passes constant SQL plus parameters.
import sqlite3

_conn = sqlite3.connect("inventory.db")


def run_query(sql: str, params: tuple = ()) -> list[tuple]:
    cur = _conn.cursor()
    cur.execute(sql, params)
    return cur.fetchall()


def stock_for(sku: str) -> list[tuple]:
    return run_query("SELECT warehouse, qty FROM stock WHERE sku = ?", (sku,))


def warehouses() -> list[tuple]:
    return run_query("SELECT DISTINCT warehouse FROM stock ORDER BY warehouse")
