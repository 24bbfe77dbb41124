# Retry helper: exceptions chained with `from`, no unused names.
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class RetryExhaustedError(RuntimeError):
    pass


def retry(fn: Callable[[], T], attempts: int = 3, delay: float = 0.1) -> T:
    last: Exception | None = None
    for attempt in range(attempts):
        try:
            return fn()
        except ConnectionError as exc:
            last = exc
            time.sleep(delay * (2**attempt))
    raise RetryExhaustedError(f"gave up after {attempts} attempts") from last
