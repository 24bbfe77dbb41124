# GOOD: the SQL is parameterized; the f-strings that mention SELECT only go to the logger and an error message.
import logging
import time

import psycopg

logger = logging.getLogger(__name__)

ORDER_SQL = "SELECT id, status, total FROM orders WHERE id = %s"


class OrderNotFound(LookupError):
    pass


def fetch_order(conn: psycopg.Connection, order_id: int) -> dict:
    started = time.perf_counter()
    row = conn.execute(ORDER_SQL, (order_id,)).fetchone()
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.debug(f"SELECT order took {elapsed_ms:.1f} ms for id={order_id}")
    if row is None:
        raise OrderNotFound(f"SELECT returned nothing for order {order_id}")
    return {"id": row[0], "status": row[1], "total": row[2]}


if __name__ == "__main__":
    with psycopg.connect("dbname=shop") as c:
        print(fetch_order(c, 1))
