# A same-module helper returns a built query; the caller executes it.
import sqlite3


def build_lookup_query(table: str, column: str, value: str) -> str:
    return f"SELECT * FROM {table} WHERE {column} = '{value}'"


def lookup(conn: sqlite3.Connection, table: str, column: str, value: str):
    sql = build_lookup_query(table, column, value)
    return conn.execute(sql).fetchall()
