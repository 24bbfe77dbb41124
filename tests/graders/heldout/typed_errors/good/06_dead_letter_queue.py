# GOOD: consumer catches broadly but explicitly routes the failed message to a dead-letter queue with its error.
import asyncio
import json
import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass
class DeadLetter:
    payload: bytes
    error_type: str
    error: str


async def handle(message: dict) -> None:
    if message.get("type") != "invoice.paid":
        raise ValueError(f"unexpected message type {message.get('type')!r}")


async def consume(
    queue: asyncio.Queue[bytes], dead_letters: asyncio.Queue[DeadLetter], stop: asyncio.Event
) -> None:
    while not stop.is_set():
        raw = await queue.get()
        try:
            await handle(json.loads(raw))
        except Exception as exc:
            logger.exception("message failed; sent to DLQ")
            await dead_letters.put(DeadLetter(raw, type(exc).__name__, str(exc)))
        finally:
            queue.task_done()
