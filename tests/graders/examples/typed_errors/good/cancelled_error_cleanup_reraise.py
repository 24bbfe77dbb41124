# asyncio.CancelledError: clean up, then re-raise.
import asyncio
import logging

log = logging.getLogger(__name__)


async def poll(client, interval: float) -> None:
    try:
        while True:
            await client.refresh()
            await asyncio.sleep(interval)
    except asyncio.CancelledError:
        log.info("poller cancelled")
        await client.aclose()
        raise
