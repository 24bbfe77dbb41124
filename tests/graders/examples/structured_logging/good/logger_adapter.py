# LoggerAdapter carries the request id into every record of the handler.
import logging

base = logging.getLogger("api")


def handle(request_id: str, user_id: int) -> None:
    log = logging.LoggerAdapter(base, {"request_id": request_id})
    log.info("profile.fetch", extra={"user_id": user_id})
    log.info("profile.ok")
