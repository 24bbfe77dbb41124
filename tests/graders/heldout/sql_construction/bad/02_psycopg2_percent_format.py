# BAD: psycopg2 query text built with the % operator from a function argument (not driver params).
import psycopg2
import psycopg2.extras


class OrderRepository:
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn

    def _connect(self):
        return psycopg2.connect(self._dsn, cursor_factory=psycopg2.extras.RealDictCursor)

    def orders_for_customer(self, customer_id: str, status: str) -> list[dict]:
        query = "SELECT id, total, status FROM orders WHERE customer_id = '%s' AND status = '%s'" % (
            customer_id,
            status,
        )
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute(query)
            return list(cur.fetchall())

    def count_orders(self, customer_id: str) -> int:
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) AS n FROM orders WHERE customer_id = %s", (customer_id,))
            row = cur.fetchone()
            return int(row["n"]) if row else 0
