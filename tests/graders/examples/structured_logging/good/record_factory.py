# A log record factory stamps the trace id on every record.
import contextvars
import logging

trace_id_var = contextvars.ContextVar("trace_id", default="")
_old_factory = logging.getLogRecordFactory()


def _factory(*args, **kwargs):
    record = _old_factory(*args, **kwargs)
    record.trace_id = trace_id_var.get()
    return record


logging.setLogRecordFactory(_factory)
logger = logging.getLogger("svc")


def work(item_id: int) -> None:
    logger.info("work.item", extra={"item_id": item_id})
