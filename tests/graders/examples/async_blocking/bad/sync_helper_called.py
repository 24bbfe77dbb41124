# The async aggregator calls a sync helper that does blocking HTTP with urllib.
import asyncio
import json
import urllib.request


def load_prices(symbol: str) -> dict:
    with urllib.request.urlopen(f"https://prices.test/{symbol}", timeout=5) as resp:
        return json.load(resp)


async def aggregate(symbols: list[str]) -> dict[str, dict]:
    results = {}
    for symbol in symbols:
        results[symbol] = load_prices(symbol)
        await asyncio.sleep(0)
    return results
