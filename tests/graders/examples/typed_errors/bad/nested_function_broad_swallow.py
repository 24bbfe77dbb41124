# Background thread target swallows all errors so the thread never reports them.
import threading
import logging

log = logging.getLogger(__name__)


def start_heartbeat(send, interval: float) -> threading.Thread:
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                send()
            except Exception:
                log.debug("heartbeat failed")

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread
