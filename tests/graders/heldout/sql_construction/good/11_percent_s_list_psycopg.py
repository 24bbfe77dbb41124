# GOOD: psycopg2 IN list made of "%s" placeholders via join; the tags go in the params tuple.
import psycopg2


def articles_with_tags(dsn: str, tags: list[str], limit: int = 25) -> list[tuple]:
    if not tags:
        return []
    marks = ", ".join(["%s"] * len(tags))
    query = (
        "SELECT a.id, a.title FROM articles a "
        "JOIN article_tags t ON t.article_id = a.id "
        "WHERE t.tag IN (" + marks + ") "
        "GROUP BY a.id, a.title ORDER BY a.id DESC LIMIT %s"
    )
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(query, (*tags, limit))
            return cur.fetchall()
    finally:
        conn.close()


if __name__ == "__main__":
    for row in articles_with_tags("dbname=blog", ["python", "sql"]):
        print(row)
