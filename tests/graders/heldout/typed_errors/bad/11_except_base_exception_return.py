# BAD: catches BaseException in a lock helper and returns False, swallowing cancellation and interrupts too.
import asyncio
import logging

import redis.asyncio as redis

logger = logging.getLogger(__name__)


class DistributedLock:
    def __init__(self, client: redis.Redis, name: str, ttl_ms: int = 30_000) -> None:
        self.client = client
        self.name = f"lock:{name}"
        self.ttl_ms = ttl_ms

    async def acquire(self, token: str) -> bool:
        try:
            return bool(await self.client.set(self.name, token, nx=True, px=self.ttl_ms))
        except BaseException:
            return False

    async def release(self, token: str) -> None:
        current = await self.client.get(self.name)
        if current is not None and current.decode() == token:
            await self.client.delete(self.name)


async def main() -> None:
    lock = DistributedLock(redis.Redis(), "nightly-report")
    print(await lock.acquire("t1"))


if __name__ == "__main__":
    asyncio.run(main())
