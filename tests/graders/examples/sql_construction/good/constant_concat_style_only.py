# SQL split over several constant pieces joined with + (style, not injection).
import sqlite3

COLUMNS = "id, name, email, created_at"


def active_users(conn: sqlite3.Connection, since: str) -> list[tuple]:
    sql = "SELECT " + COLUMNS + " FROM users " + "WHERE active = 1 AND created_at >= ?"
    return conn.execute(sql, (since,)).fetchall()
