# The f-string builds a LIKE pattern that is passed as a parameter value.
import sqlite3


def search_customers(conn: sqlite3.Connection, term: str) -> list[tuple]:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    cur = conn.cursor()
    cur.execute(
        "SELECT id, name FROM customers WHERE name LIKE ? ESCAPE '\\' ORDER BY name",
        (pattern,),
    )
    return cur.fetchall()
