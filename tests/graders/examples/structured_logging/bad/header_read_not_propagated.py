# Reads X-Request-ID in middleware but only echoes it in the response header.
import logging
import uuid

from fastapi import FastAPI, Request

logger = logging.getLogger(__name__)
app = FastAPI()


@app.middleware("http")
async def request_id_header(request: Request, call_next):
    rid = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    response = await call_next(request)
    response.headers["X-Request-ID"] = rid
    logger.info("request handled", extra={"path": request.url.path, "status": response.status_code})
    return response
