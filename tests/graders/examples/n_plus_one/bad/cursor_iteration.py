# Iterates a cursor over posts and runs a comment-count query per post.
def posts_with_counts(cur) -> list[dict]:
    out = []
    for post_id, title in cur.execute("SELECT id, title FROM posts ORDER BY id DESC LIMIT 50"):
        count = cur.execute("SELECT COUNT(*) FROM comments WHERE post_id = ?", (post_id,)).fetchone()[0]
        out.append({"id": post_id, "title": title, "comments": count})
    return out
