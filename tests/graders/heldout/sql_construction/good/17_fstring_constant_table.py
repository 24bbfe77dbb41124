# GOOD: f-string interpolates only module-level constants (table/column names); data goes via %s params.
import psycopg2

TABLE = "customer_events"
TS_COLUMN = "occurred_at"
RETENTION_LIMIT = 10_000


def latest_events(conn, customer_id: int) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT id, kind, {TS_COLUMN} FROM {TABLE} "
            f"WHERE customer_id = %s ORDER BY {TS_COLUMN} DESC LIMIT {RETENTION_LIMIT}",
            (customer_id,),
        )
        return cur.fetchall()


def record(conn, customer_id: int, kind: str) -> None:
    with conn.cursor() as cur:
        cur.execute(
            f"INSERT INTO {TABLE} (customer_id, kind, {TS_COLUMN}) VALUES (%s, %s, now())",
            (customer_id, kind),
        )
    conn.commit()


if __name__ == "__main__":
    c = psycopg2.connect("dbname=events")
    record(c, 1, "login")
    print(latest_events(c, 1))
