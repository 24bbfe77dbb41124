# Placeholders from a generator expression yielding "?" for every value.
import sqlite3


def tag_posts(conn: sqlite3.Connection, post_ids: list[int], tag: str) -> None:
    marks = ", ".join("?" for _ in post_ids)
    conn.execute(
        f"UPDATE posts SET tag = ? WHERE id IN ({marks})",
        [tag, *post_ids],
    )
    conn.commit()
