# BAD: the WHERE value is glued into the SQL with +, then executed on a sqlite3 cursor.
import sqlite3
from dataclasses import dataclass


@dataclass
class Invoice:
    id: int
    number: str
    amount_cents: int


def find_invoice(conn: sqlite3.Connection, number: str) -> Invoice | None:
    """Look an invoice up by its human-facing number."""
    sql = "SELECT id, number, amount_cents FROM invoices WHERE number = '" + number + "'"
    cur = conn.execute(sql)
    row = cur.fetchone()
    if row is None:
        return None
    return Invoice(id=row[0], number=row[1], amount_cents=row[2])


def all_invoices(conn: sqlite3.Connection) -> list[Invoice]:
    rows = conn.execute("SELECT id, number, amount_cents FROM invoices ORDER BY id").fetchall()
    return [Invoice(*r) for r in rows]


if __name__ == "__main__":
    c = sqlite3.connect(":memory:")
    print(find_invoice(c, "INV-1"))
