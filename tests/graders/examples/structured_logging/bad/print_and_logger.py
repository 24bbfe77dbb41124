# Mixes a configured structlog logger with stray print() calls in the consumer.
import structlog
from structlog.contextvars import bind_contextvars

log = structlog.get_logger()


def consume(message: dict) -> None:
    bind_contextvars(correlation_id=message["correlation_id"])
    log.info("message.received", kind=message["kind"])
    print("payload:", message["payload"])
    log.info("message.done")
