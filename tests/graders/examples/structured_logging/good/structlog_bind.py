# structlog logger bound with the request id per request.
import structlog

base = structlog.get_logger()


def handle(request_id: str, sku: str) -> None:
    log = base.bind(request_id=request_id)
    log.info("stock.check", sku=sku)
    log.info("stock.ok", sku=sku)
