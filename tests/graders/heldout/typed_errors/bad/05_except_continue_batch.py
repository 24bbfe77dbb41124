# BAD: batch importer catches Exception and `continue`s, so bad rows vanish without trace or count.
import csv
import sqlite3
from pathlib import Path


def parse_row(row: dict[str, str]) -> tuple[str, int, float]:
    return row["sku"], int(row["qty"]), float(row["price"])


def import_stock(conn: sqlite3.Connection, path: Path) -> int:
    imported = 0
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                sku, qty, price = parse_row(row)
                conn.execute(
                    "INSERT INTO stock (sku, qty, price) VALUES (?, ?, ?)", (sku, qty, price)
                )
            except Exception:
                continue
            imported += 1
    conn.commit()
    return imported


if __name__ == "__main__":
    c = sqlite3.connect("stock.db")
    print(import_stock(c, Path("stock.csv")))
