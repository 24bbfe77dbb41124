# Structured fields via extra=, but no request/correlation id ever reaches the records.
import logging

logger = logging.getLogger("orders")


def place_order(user_id: int, sku: str, qty: int) -> dict:
    logger.info("order placed", extra={"user_id": user_id, "sku": sku, "qty": qty})
    return {"user_id": user_id, "sku": sku, "qty": qty}


def cancel_order(order_id: int) -> None:
    logger.warning("order cancelled", extra={"order_id": order_id})
