# executemany with the table name taken from an argument via f-string.
import sqlite3


def bulk_insert(conn: sqlite3.Connection, table: str, rows: list[tuple[str, int]]) -> None:
    conn.executemany(f"INSERT INTO {table} (name, qty) VALUES (?, ?)", rows)
    conn.commit()
