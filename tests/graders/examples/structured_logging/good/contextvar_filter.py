# Request id in a ContextVar, set by middleware, injected into every record by a Filter.
import contextvars
import logging
import uuid

from fastapi import FastAPI, Request

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


logger = logging.getLogger("api")
logger.addFilter(RequestIdFilter())
app = FastAPI()


@app.middleware("http")
async def bind_request_id(request: Request, call_next):
    token = request_id_var.set(request.headers.get("X-Request-ID") or uuid.uuid4().hex)
    try:
        response = await call_next(request)
        logger.info("request.completed", extra={"path": request.url.path, "status": response.status_code})
        return response
    finally:
        request_id_var.reset(token)
