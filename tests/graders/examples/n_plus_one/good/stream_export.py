# Streams a large export row by row from a single query; no per-row queries.
import csv
import io


def export_orders(conn) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["id", "customer", "total"])
    for row in conn.execute(
        "SELECT o.id, c.name, o.total FROM orders o JOIN customers c ON c.id = o.customer_id"
    ):
        writer.writerow([row[0], row[1], f"{row[2]:.2f}"])
    return buf.getvalue()
