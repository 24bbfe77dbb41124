# Queue consumer: broad catch logs and moves on; failed messages vanish.
import json
import logging

log = logging.getLogger(__name__)


def consume(queue, handler) -> None:
    while True:
        message = queue.get()
        if message is None:
            break
        try:
            handler(json.loads(message.body))
            message.ack()
        except Exception:
            log.exception("handler failed")
            continue
