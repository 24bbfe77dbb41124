# psycopg2: the schema comes from a header and is concatenated into execute.
import psycopg2


def tenant_users(dsn: str, tenant_schema: str) -> list[tuple]:
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("SET search_path TO " + tenant_schema)
            cur.execute("SELECT id, email FROM users")
            return cur.fetchall()
    finally:
        conn.close()
