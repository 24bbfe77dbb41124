# psycopg sql.SQL composed with sql.Identifier for a dynamic column name.
from psycopg import sql


def sorted_users(conn, sort_column: str, limit: int):
    query = sql.SQL("SELECT id, name FROM users ORDER BY {} LIMIT %s").format(
        sql.Identifier(sort_column)
    )
    with conn.cursor() as cur:
        cur.execute(query, (limit,))
        return cur.fetchall()
