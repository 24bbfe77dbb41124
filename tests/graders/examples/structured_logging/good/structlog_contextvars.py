# structlog with merge_contextvars and key-value events.
import structlog
from structlog.contextvars import bind_contextvars, clear_contextvars

structlog.configure(processors=[structlog.contextvars.merge_contextvars, structlog.processors.JSONRenderer()])
log = structlog.get_logger()


def consume(message: dict) -> None:
    clear_contextvars()
    bind_contextvars(correlation_id=message["correlation_id"])
    log.info("message.received", kind=message["kind"])
    log.info("message.done")
