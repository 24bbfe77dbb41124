# GOOD: broad catch only to log context, then a bare `raise` re-raises the original exception.
import logging
import time
from typing import Any, Callable

logger = logging.getLogger("tasks")


def run_task(name: str, fn: Callable[..., Any], *args: Any) -> dict[str, Any]:
    started = time.monotonic()
    try:
        result = fn(*args)
    except Exception:
        logger.exception("task failed", extra={"task": name})
        raise
    return {
        "task": name,
        "status": "ok",
        "result": result,
        "seconds": round(time.monotonic() - started, 3),
    }


def nightly(tasks: dict[str, Callable[[], Any]]) -> list[dict[str, Any]]:
    return [run_task(name, fn) for name, fn in tasks.items()]


if __name__ == "__main__":
    print(nightly({"ok": lambda: 1}))
