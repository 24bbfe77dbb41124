# Legacy SDK call wrapped in loop.run_in_executor with a lambda.
import asyncio

import requests


async def legacy_lookup(sku: str) -> dict:
    loop = asyncio.get_running_loop()
    resp = await loop.run_in_executor(None, lambda: requests.get(f"https://legacy.test/sku/{sku}", timeout=10))
    resp.raise_for_status()
    return resp.json()
