# Retry loop keeps the last error and raises a typed error from it.
import time

import requests


class FetchFailedError(Exception):
    pass


def fetch_json(url: str, attempts: int = 3) -> dict:
    last_error: Exception | None = None
    for attempt in range(attempts):
        try:
            resp = requests.get(url, timeout=10)
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException as exc:
            last_error = exc
            time.sleep(2 ** attempt)
    raise FetchFailedError(f"{url} failed after {attempts} attempts") from last_error
