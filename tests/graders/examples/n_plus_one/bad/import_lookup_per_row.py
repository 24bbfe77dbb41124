# Bulk CSV import resolves each row's customer and product with its own lookup query.
import csv
import io
import sqlite3


def import_order_lines(conn: sqlite3.Connection, text: str) -> int:
    rows = list(csv.DictReader(io.StringIO(text)))
    values = []
    for r in rows:
        customer = conn.execute("SELECT id FROM customers WHERE email = ?", (r["email"],)).fetchone()
        product = conn.execute("SELECT id FROM products WHERE sku = ?", (r["sku"],)).fetchone()
        if customer and product:
            values.append((customer[0], product[0], int(r["qty"])))
    with conn:
        conn.executemany("INSERT INTO order_lines (customer_id, product_id, qty) VALUES (?, ?, ?)", values)
    return len(values)
