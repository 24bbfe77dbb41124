# Revenue report fetches each order's customer with a separate query.
import sqlite3


def revenue_by_customer(conn: sqlite3.Connection) -> dict[str, float]:
    totals: dict[str, float] = {}
    orders = conn.execute("SELECT id, customer_id, total FROM orders").fetchall()
    for order in orders:
        customer = conn.execute("SELECT name FROM customers WHERE id = ?", (order["customer_id"],)).fetchone()
        totals[customer["name"]] = totals.get(customer["name"], 0.0) + order["total"]
    return totals
