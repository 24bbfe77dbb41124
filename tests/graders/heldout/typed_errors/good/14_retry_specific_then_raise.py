# GOOD: retries only on httpx.TransportError and raises a typed error (from the last cause) when attempts run out.
import time

import httpx


class UpstreamUnavailable(Exception):
    def __init__(self, url: str, attempts: int) -> None:
        super().__init__(f"{url} unreachable after {attempts} attempts")
        self.url = url
        self.attempts = attempts


def get_with_retry(client: httpx.Client, url: str, attempts: int = 3, backoff: float = 0.2) -> httpx.Response:
    last: httpx.TransportError | None = None
    for attempt in range(1, attempts + 1):
        try:
            response = client.get(url)
            response.raise_for_status()
            return response
        except httpx.TransportError as exc:
            last = exc
            time.sleep(backoff * attempt)
    raise UpstreamUnavailable(url, attempts) from last


if __name__ == "__main__":
    with httpx.Client(timeout=1.0) as c:
        print(get_with_retry(c, "http://127.0.0.1:9/"))
