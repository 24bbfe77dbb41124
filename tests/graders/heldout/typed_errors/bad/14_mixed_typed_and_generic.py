# BAD (tricky): defines a proper hierarchy but the validator still does `raise Exception(...)` for one branch.
from decimal import Decimal, InvalidOperation


class TransferError(Exception):
    """Base class for transfer failures."""


class InsufficientFunds(TransferError):
    pass


class InvalidAmount(TransferError, ValueError):
    pass


def parse_amount(raw: str) -> Decimal:
    try:
        amount = Decimal(raw)
    except InvalidOperation as exc:
        raise InvalidAmount(f"not a number: {raw!r}") from exc
    if amount <= 0:
        raise InvalidAmount("amount must be positive")
    if amount.as_tuple().exponent < -2:
        raise Exception("amount has more than two decimal places")
    return amount


def transfer(balance: Decimal, raw_amount: str) -> Decimal:
    amount = parse_amount(raw_amount)
    if amount > balance:
        raise InsufficientFunds(f"balance {balance} < {amount}")
    return balance - amount
