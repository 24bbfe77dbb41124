# Builds a tag map with one query per article inside a dict comprehension.
def tags_by_article(conn) -> dict[int, list[str]]:
    articles = conn.execute("SELECT id FROM articles WHERE published").fetchall()
    return {
        a["id"]: [t["name"] for t in conn.execute("SELECT name FROM tags WHERE article_id = ?", (a["id"],))]
        for a in articles
    }
