# good: tests live under tests/ and import the module by top-level name
from decimal import Decimal


def cents(amount: str) -> int:
    return int(Decimal(amount) * 100)
