# Uses asgi-correlation-id middleware and its logging filter.
import logging

from asgi_correlation_id import CorrelationIdFilter, CorrelationIdMiddleware
from fastapi import FastAPI

handler = logging.StreamHandler()
handler.addFilter(CorrelationIdFilter())
logger = logging.getLogger("api")
logger.addHandler(handler)

app = FastAPI()
app.add_middleware(CorrelationIdMiddleware)


@app.get("/health")
def health() -> dict:
    logger.info("health.check")
    return {"ok": True}
