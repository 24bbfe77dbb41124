# Retry loop that swallows every error and returns None after the last try.
import time

import requests


def fetch_json(url: str, attempts: int = 3):
    for attempt in range(attempts):
        try:
            resp = requests.get(url, timeout=10)
            resp.raise_for_status()
            return resp.json()
        except Exception:
            time.sleep(2 ** attempt)
    return None
