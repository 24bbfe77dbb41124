# structlog with contextvars, but the event text is an f-string.
import structlog
from structlog.contextvars import bind_contextvars

log = structlog.get_logger()


def process(order_id: int, correlation_id: str) -> None:
    bind_contextvars(correlation_id=correlation_id)
    log.info(f"processing order {order_id}")
    log.info("order.processed", order_id=order_id)
