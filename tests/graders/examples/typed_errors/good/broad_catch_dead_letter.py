# Consumer routes failed messages to a dead-letter queue.
import json
import logging

log = logging.getLogger(__name__)


def consume(queue, dead_letter_queue, handler) -> None:
    while (message := queue.get()) is not None:
        try:
            handler(json.loads(message.body))
        except Exception as exc:
            log.exception("handler failed; dead-lettering message %s", message.id)
            dead_letter_queue.put({"body": message.body, "error": repr(exc)})
        else:
            message.ack()
