# A narrow TimeoutError turns into an explicit "unknown" health state.
import asyncio
from enum import Enum


class Health(Enum):
    UP = "up"
    DOWN = "down"
    UNKNOWN = "unknown"


async def probe(check, timeout: float = 2.0) -> Health:
    try:
        ok = await asyncio.wait_for(check(), timeout)
    except TimeoutError:
        return Health.UNKNOWN
    return Health.UP if ok else Health.DOWN
