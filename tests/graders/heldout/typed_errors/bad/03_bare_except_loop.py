# BAD: bare `except:` around each webhook delivery; it even catches KeyboardInterrupt/SystemExit.
import json
import logging

import httpx

logger = logging.getLogger(__name__)


def deliver_all(endpoints: list[str], event: dict) -> int:
    """POST the event to every subscriber; returns how many accepted it."""
    delivered = 0
    body = json.dumps(event)
    with httpx.Client(timeout=5.0) as client:
        for url in endpoints:
            try:
                resp = client.post(url, content=body, headers={"content-type": "application/json"})
                resp.raise_for_status()
                delivered += 1
            except:
                logger.warning("delivery failed", extra={"url": url})
    return delivered


if __name__ == "__main__":
    print(deliver_all(["http://127.0.0.1:9/hook"], {"type": "ping"}))
