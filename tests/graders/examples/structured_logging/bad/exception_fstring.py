# Error paths log formatted text; there is a request id var, but nothing puts it in records.
import contextvars
import logging

REQUEST_ID = contextvars.ContextVar("request_id")
logger = logging.getLogger(__name__)


def refund(charge_id: str) -> None:
    try:
        raise TimeoutError("gateway timeout")
    except TimeoutError as exc:
        logger.exception(f"refund {charge_id} failed: {exc}")
        raise
