# Async retry loop backs off with time.sleep instead of asyncio.sleep.
import time

import httpx


async def fetch_with_retry(client: httpx.AsyncClient, url: str, attempts: int = 3) -> bytes:
    for attempt in range(attempts):
        try:
            resp = await client.get(url)
            resp.raise_for_status()
            return resp.content
        except httpx.HTTPError:
            time.sleep(0.2 * 2**attempt)
    raise RuntimeError(f"{url} failed after {attempts} attempts")
