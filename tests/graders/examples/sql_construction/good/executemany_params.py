# executemany with a constant statement and a list of row tuples.
import sqlite3

INSERT_SCORE = "INSERT INTO scores (player, points) VALUES (?, ?)"


def save_scores(conn: sqlite3.Connection, scores: list[tuple[str, int]]) -> None:
    conn.executemany(INSERT_SCORE, scores)
    conn.commit()
