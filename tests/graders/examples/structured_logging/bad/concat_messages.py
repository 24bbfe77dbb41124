# String concatenation in log messages; ids glued into the text.
import logging

logger = logging.getLogger(__name__)


def handle(event: dict) -> None:
    logger.info("handling event " + event["id"] + " of type " + event["type"])
    if event.get("retry"):
        logger.warning("retrying event " + event["id"])
