# LIKE pattern interpolated into the SQL text instead of passed as a parameter.
import sqlite3


def search_customers(conn: sqlite3.Connection, term: str) -> list[tuple]:
    cur = conn.cursor()
    cur.execute(f"SELECT id, name FROM customers WHERE name LIKE '%{term}%' ORDER BY name")
    return cur.fetchall()
