# good: async code tested with asyncio.run in a plain test
import asyncio


async def double(x: int) -> int:
    await asyncio.sleep(0)
    return 2 * x
