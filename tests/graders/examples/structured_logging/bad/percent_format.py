# Formats log messages eagerly with % and .format().
import contextvars
import logging

request_id = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


log = logging.getLogger(__name__)
log.addFilter(RequestIdFilter())


def charge(customer: str, amount: int) -> None:
    log.info("charging %s for %d cents" % (customer, amount))
    log.info("charged {} ok".format(customer))
