# Concurrent fan-out with per-call timeouts; pure asyncio.
import asyncio

import httpx


async def fan_out(client: httpx.AsyncClient, urls: list[str], timeout: float = 2.0) -> list[int | None]:
    async def one(url: str) -> int | None:
        try:
            resp = await asyncio.wait_for(client.get(url), timeout)
            return resp.status_code
        except (asyncio.TimeoutError, httpx.HTTPError):
            return None

    return await asyncio.gather(*(one(u) for u in urls))
