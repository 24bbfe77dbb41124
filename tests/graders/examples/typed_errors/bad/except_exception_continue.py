# Broad catch inside a loop that skips failed rows with continue.
import csv
from decimal import Decimal


def import_prices(path: str) -> dict[str, Decimal]:
    prices: dict[str, Decimal] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            try:
                prices[row["sku"]] = Decimal(row["price"])
            except Exception:
                continue
    return prices
