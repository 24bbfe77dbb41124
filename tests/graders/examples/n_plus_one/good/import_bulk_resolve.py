# Bulk CSV import resolves all customers and products with one query each, then batches inserts.
import csv
import io
import json
import sqlite3


def import_order_lines(conn: sqlite3.Connection, text: str) -> int:
    rows = list(csv.DictReader(io.StringIO(text)))
    emails = json.dumps(sorted({r["email"] for r in rows}))
    skus = json.dumps(sorted({r["sku"] for r in rows}))
    customers = dict(conn.execute("SELECT email, id FROM customers WHERE email IN (SELECT value FROM json_each(?))", (emails,)).fetchall())
    products = dict(conn.execute("SELECT sku, id FROM products WHERE sku IN (SELECT value FROM json_each(?))", (skus,)).fetchall())
    values = [(customers[r["email"]], products[r["sku"]], int(r["qty"])) for r in rows if r["email"] in customers and r["sku"] in products]
    with conn:
        for start in range(0, len(values), 500):
            conn.executemany("INSERT INTO order_lines (customer_id, product_id, qty) VALUES (?, ?, ?)", values[start : start + 500])
    return len(values)
