# Retry with exponential backoff using asyncio.sleep.
import asyncio

import httpx


async def fetch_with_retry(client: httpx.AsyncClient, url: str, attempts: int = 3) -> bytes:
    for attempt in range(attempts):
        try:
            resp = await client.get(url)
            resp.raise_for_status()
            return resp.content
        except httpx.HTTPError:
            await asyncio.sleep(0.2 * 2**attempt)
    raise RuntimeError(f"{url} failed after {attempts} attempts")
