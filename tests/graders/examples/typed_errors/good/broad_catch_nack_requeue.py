# Async consumer nacks the message on failure so the broker retries it.
import logging

log = logging.getLogger(__name__)


async def on_message(message, process) -> None:
    try:
        await process(message.body)
    except Exception:
        log.exception("processing failed", extra={"message_id": message.message_id})
        await message.nack(requeue=True)
        return
    await message.ack()
