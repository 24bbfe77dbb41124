# Raises domain errors imported from the project's errors module.
from app.errors import InsufficientFundsError, UnknownAccountError


def withdraw(balances: dict[str, int], account: str, amount: int) -> int:
    if account not in balances:
        raise UnknownAccountError(account)
    if balances[account] < amount:
        raise InsufficientFundsError(account, amount)
    balances[account] -= amount
    return balances[account]
