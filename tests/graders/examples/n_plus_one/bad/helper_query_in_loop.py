# A repository helper runs one query; the report calls it for every invoice row.
def get_customer(db, customer_id: int) -> dict:
    row = db.execute("SELECT id, name, country FROM customers WHERE id = ?", (customer_id,)).fetchone()
    return dict(row)


def invoice_report(db) -> list[dict]:
    invoices = db.execute("SELECT id, customer_id, amount FROM invoices WHERE status = 'open'").fetchall()
    report = []
    for inv in invoices:
        customer = get_customer(db, inv["customer_id"])
        report.append({"invoice": inv["id"], "customer": customer["name"], "amount": inv["amount"]})
    return report
