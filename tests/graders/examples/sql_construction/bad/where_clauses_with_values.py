# Builds a list of "col = 'value'" clauses and joins them into the WHERE.
import sqlite3


def find_listings(conn: sqlite3.Connection, filters: dict[str, str]) -> list[tuple]:
    clauses = []
    for key, value in filters.items():
        clauses.append(f"{key} = '{value}'")
    where = " AND ".join(clauses) if clauses else "1=1"
    sql = "SELECT id, title, city FROM listings WHERE " + where
    return conn.execute(sql).fetchall()
