"""The fake Anthropic API for the key test, run inside the cluster's namespace.

``python _key_server.py KEY OUT``: serves on 127.0.0.1 (prints the URL), accepts only
``KEY``, and on SIGTERM writes the key (``x-api-key`` or bearer token) of every request
it saw to OUT.
"""

from __future__ import annotations

import json
import signal
import sys
import threading

from evals.providers.fake_server import FakeServer


def main() -> None:
    key, out = sys.argv[1], sys.argv[2]
    server = FakeServer(api_key=key).start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print(server.url, flush=True)
    done.wait(600)  # bounded: the test stops it long before
    seen = [
        r.headers.get("x-api-key") or r.headers.get("authorization", "").removeprefix("Bearer ")
        for r in list(server.requests)
    ]
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(seen, fh)
    server.stop()


if __name__ == "__main__":
    main()
