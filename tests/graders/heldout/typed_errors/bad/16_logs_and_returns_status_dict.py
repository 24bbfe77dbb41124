# BAD: task runner logs the exception then returns {"status": "failed"}; nothing re-raises or routes the failure.
import logging
import time
from typing import Any, Callable

logger = logging.getLogger("tasks")


def run_task(name: str, fn: Callable[..., Any], *args: Any) -> dict[str, Any]:
    started = time.monotonic()
    try:
        result = fn(*args)
    except Exception as exc:
        logger.error("task failed: %s", exc, extra={"task": name})
        return {"task": name, "status": "failed"}
    return {
        "task": name,
        "status": "ok",
        "result": result,
        "seconds": round(time.monotonic() - started, 3),
    }


def nightly(tasks: dict[str, Callable[[], Any]]) -> list[dict[str, Any]]:
    return [run_task(name, fn) for name, fn in tasks.items()]


if __name__ == "__main__":
    print(nightly({"ok": lambda: 1, "boom": lambda: 1 / 0}))
