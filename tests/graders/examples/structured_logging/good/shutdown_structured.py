# Graceful shutdown logs structured fields with the correlation id in extra.
import logging
import signal

logger = logging.getLogger("worker")


class Worker:
    def __init__(self, correlation_id: str) -> None:
        self.correlation_id = correlation_id
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)

    def _stop(self, signum, frame) -> None:
        self.stopping = True
        logger.info("worker.draining", extra={"correlation_id": self.correlation_id, "signal": signum})
