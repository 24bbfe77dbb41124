# psycopg sql.SQL misused: the column name is put in with an f-string.
from psycopg import sql


def sorted_users(conn, sort_column: str):
    query = sql.SQL(f"SELECT id, name FROM users ORDER BY {sort_column}")
    with conn.cursor() as cur:
        cur.execute(query)
        return cur.fetchall()
