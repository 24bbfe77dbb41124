# GOOD (tricky): the text "raise Exception" and "except:" appear only in docstrings/comments; code uses typed errors.
from dataclasses import dataclass


class QuotaExceeded(Exception):
    """Raised when a tenant exceeds its plan quota.

    Callers used to ``raise Exception("quota")`` and wrap calls in a bare ``except:``;
    both were removed in favour of this class so handlers can catch it precisely.
    """

    def __init__(self, tenant: str, used: int, limit: int) -> None:
        super().__init__(f"tenant {tenant} used {used} of {limit}")
        self.tenant = tenant
        self.used = used
        self.limit = limit


@dataclass
class Quota:
    tenant: str
    limit: int
    used: int = 0

    def consume(self, amount: int) -> None:
        # Never `except Exception: pass` around this: quota errors must reach the API layer.
        if amount < 0:
            raise ValueError("amount must be non-negative")
        if self.used + amount > self.limit:
            raise QuotaExceeded(self.tenant, self.used + amount, self.limit)
        self.used += amount
