"""Phase stamps of one process, for benches: where the time before the first sample goes.

With ``EVALS_TIMINGS=FILE`` in the environment, :func:`stamp` appends one JSON line per
event to ``FILE`` at once (``{"t": <time.time()>, "event": ..., "thread": ..., **fields}``),
so a bench reading the file while the run goes on sees every phase that has passed.
Without it, :func:`stamp` returns at once: the stamps cost nothing in a normal run.
``evals bench cli`` reads them (:func:`read_stamps`) to print its breakdown.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["ENV", "enabled", "read_stamps", "stamp"]

ENV = "EVALS_TIMINGS"
_LOCK = threading.Lock()


def enabled() -> bool:
    """Whether this process records stamps (``EVALS_TIMINGS`` is set)."""
    return bool(os.environ.get(ENV))


def stamp(event: str, **fields: Any) -> None:
    """Append ``event`` (with ``fields``, JSON-serialisable) to ``$EVALS_TIMINGS``, if set."""
    path = os.environ.get(ENV)
    if not path:
        return
    record = {"t": time.time(), "event": event, "thread": threading.current_thread().name}
    line = json.dumps({**record, **fields}) + "\n"
    with _LOCK, open(path, "a", encoding="utf-8") as out:
        out.write(line)


def read_stamps(path: Path) -> list[dict[str, Any]]:
    """The stamps in ``path``, in the order written (a torn last line is skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    stamps = []
    for line in lines:
        try:
            stamps.append(json.loads(line))
        except ValueError:
            continue
    return stamps
