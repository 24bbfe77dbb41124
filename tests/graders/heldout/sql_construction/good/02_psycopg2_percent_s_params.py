# GOOD: psycopg2 %s placeholders with a params tuple (the % here is the driver's paramstyle, not Python formatting).
import psycopg2
import psycopg2.extras


class OrderRepository:
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn

    def _connect(self):
        return psycopg2.connect(self._dsn, cursor_factory=psycopg2.extras.RealDictCursor)

    def orders_for_customer(self, customer_id: str, status: str) -> list[dict]:
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT id, total, status FROM orders WHERE customer_id = %s AND status = %s",
                (customer_id, status),
            )
            return list(cur.fetchall())

    def mark_shipped(self, order_ids: list[int]) -> int:
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute(
                "UPDATE orders SET status = 'shipped' WHERE id = ANY(%s)", (order_ids,)
            )
            return cur.rowcount
