# Sort direction chosen by a conditional between two constants.
import sqlite3


def leaderboard(conn: sqlite3.Connection, ascending: bool, limit: int) -> list[tuple]:
    direction = "ASC" if ascending else "DESC"
    sql = "SELECT player, points FROM scores ORDER BY points " + direction + " LIMIT ?"
    return conn.execute(sql, (limit,)).fetchall()
