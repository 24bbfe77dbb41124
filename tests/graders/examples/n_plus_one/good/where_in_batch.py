# Loads customers for all orders in one WHERE ... IN query.
def invoice_report(db) -> list[dict]:
    invoices = db.execute("SELECT id, customer_id, amount FROM invoices WHERE status = 'open'").fetchall()
    ids = sorted({inv["customer_id"] for inv in invoices})
    placeholders = ",".join("?" for _ in ids)
    customers = {
        row["id"]: row["name"]
        for row in db.execute(f"SELECT id, name FROM customers WHERE id IN ({placeholders})", ids)
    }
    return [{"invoice": inv["id"], "customer": customers[inv["customer_id"]], "amount": inv["amount"]} for inv in invoices]
