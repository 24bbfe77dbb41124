# Two queries, grouped in memory: no query inside the loop.
from collections import defaultdict


def posts_with_comments(conn) -> list[dict]:
    posts = conn.execute("SELECT id, title FROM posts ORDER BY id DESC LIMIT 50").fetchall()
    ids = [p["id"] for p in posts]
    marks = ",".join("?" * len(ids))
    comments = conn.execute(f"SELECT post_id, body FROM comments WHERE post_id IN ({marks})", ids).fetchall()
    by_post = defaultdict(list)
    for c in comments:
        by_post[c["post_id"]].append(c["body"])
    return [{"id": p["id"], "title": p["title"], "comments": by_post[p["id"]]} for p in posts]
