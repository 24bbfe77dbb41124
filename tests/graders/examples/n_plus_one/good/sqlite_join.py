# Revenue report with a single JOIN and GROUP BY.
import sqlite3


def revenue_by_customer(conn: sqlite3.Connection) -> dict[str, float]:
    rows = conn.execute(
        """
        SELECT c.name, SUM(o.total) AS revenue
        FROM orders o JOIN customers c ON c.id = o.customer_id
        GROUP BY c.name
        """
    ).fetchall()
    return {row["name"]: row["revenue"] for row in rows}
