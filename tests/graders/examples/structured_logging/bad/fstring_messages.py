# Logs with f-strings; the request id is only interpolated into the text.
import logging
import uuid

from fastapi import FastAPI, Request

logger = logging.getLogger(__name__)
app = FastAPI()


@app.middleware("http")
async def log_requests(request: Request, call_next):
    rid = request.headers.get("X-Request-ID") or str(uuid.uuid4())
    logger.info(f"[{rid}] {request.method} {request.url.path}")
    response = await call_next(request)
    logger.info(f"[{rid}] -> {response.status_code}")
    return response
