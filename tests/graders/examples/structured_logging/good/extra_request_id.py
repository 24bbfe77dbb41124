# Passes the request id explicitly via extra= on each log call.
import logging

logger = logging.getLogger("payments")


def capture(payment_id: str, amount: int, request_id: str) -> None:
    logger.info("payment.capture", extra={"request_id": request_id, "payment_id": payment_id, "amount": amount})
    logger.info("payment.captured", extra={"request_id": request_id, "payment_id": payment_id})
