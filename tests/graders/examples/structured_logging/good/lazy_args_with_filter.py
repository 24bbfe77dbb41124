# stdlib lazy %-args keep the template constant; a filter adds the request id.
import contextvars
import logging

REQUEST_ID = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = REQUEST_ID.get()
        return True


logger = logging.getLogger(__name__)
logger.addFilter(RequestIdFilter())


def charge(customer: str, amount: int) -> None:
    logger.info("charging customer=%s amount=%d", customer, amount)
