# Long SQL written as adjacent string literals (one constant to Python).
import sqlite3


def monthly_totals(conn: sqlite3.Connection, year: int) -> list[tuple]:
    return conn.execute(
        "SELECT strftime('%m', created_at) AS month, SUM(total) "
        "FROM orders "
        "WHERE strftime('%Y', created_at) = ? "
        "GROUP BY month ORDER BY month",
        (str(year),),
    ).fetchall()
