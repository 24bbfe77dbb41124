# A JSON formatter reads the correlation id from a ContextVar.
import contextvars
import json
import logging

correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {"level": record.levelname, "msg": record.getMessage(), "correlation_id": correlation_id.get()}
        payload.update(getattr(record, "fields", {}))
        return json.dumps(payload)


handler = logging.StreamHandler()
handler.setFormatter(JsonFormatter())
logger = logging.getLogger("worker")
logger.addHandler(handler)


def run(job_id: str) -> None:
    correlation_id.set(job_id)
    logger.info("job.started", extra={"fields": {"job_id": job_id}})
