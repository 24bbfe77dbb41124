# TTL cache with an explicit clock; no mutable defaults, no unused imports.
import time
from collections.abc import Callable


class TTLCache:
    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._data: dict[str, tuple[float, object]] = {}

    def get(self, key: str) -> object | None:
        hit = self._data.get(key)
        if hit is None or self._clock() - hit[0] > self._ttl:
            self._data.pop(key, None)
            return None
        return hit[1]

    def set(self, key: str, value: object) -> None:
        self._data[key] = (self._clock(), value)
