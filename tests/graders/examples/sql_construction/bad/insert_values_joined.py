# Multi-row INSERT with the VALUES tuples joined from the data.
import sqlite3


def save_scores(conn: sqlite3.Connection, scores: list[tuple[str, int]]) -> None:
    values = ", ".join(f"('{player}', {points})" for player, points in scores)
    conn.execute("INSERT INTO scores (player, points) VALUES " + values)
    conn.commit()
