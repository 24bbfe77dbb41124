# BAD: queue consumer catches Exception, sleeps and continues; the message is acked and lost with no record.
import asyncio
import json
import logging

logger = logging.getLogger(__name__)


async def handle(message: dict) -> None:
    if message.get("type") != "invoice.paid":
        return
    await asyncio.sleep(0)  # stand-in for the real side effect


async def consume(queue: asyncio.Queue[bytes], stop: asyncio.Event) -> None:
    while not stop.is_set():
        raw = await queue.get()
        try:
            await handle(json.loads(raw))
        except Exception:
            await asyncio.sleep(1)
            continue
        finally:
            queue.task_done()


async def main() -> None:
    q: asyncio.Queue[bytes] = asyncio.Queue()
    stop = asyncio.Event()
    await q.put(b'{"type": "invoice.paid"}')
    task = asyncio.create_task(consume(q, stop))
    await q.join()
    stop.set()
    task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
