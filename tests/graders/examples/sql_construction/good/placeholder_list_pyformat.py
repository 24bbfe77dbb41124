# psycopg2 IN list of %s placeholders; tokens passed separately.
def delete_sessions(conn, tokens: list[str]) -> int:
    if not tokens:
        return 0
    marks = ", ".join(["%s"] * len(tokens))
    with conn.cursor() as cur:
        cur.execute("DELETE FROM sessions WHERE token IN (" + marks + ")", tokens)
        deleted = cur.rowcount
    conn.commit()
    return deleted
