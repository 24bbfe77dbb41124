# Async HTTP fan-out with httpx and asyncio.gather; clean.
import asyncio

import httpx


async def fetch_all(urls: list[str], timeout: float = 5.0) -> list[int]:
    async with httpx.AsyncClient(timeout=timeout) as client:
        responses = await asyncio.gather(*(client.get(u) for u in urls), return_exceptions=True)
    return [r.status_code if isinstance(r, httpx.Response) else 0 for r in responses]
