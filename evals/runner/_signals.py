"""SIGINT/SIGTERM during a run: cancel it, so it records ``interrupted`` and cleans up.

The runner's ``finally`` then closes the sandbox first (no sandbox process outlives the
run), writes the manifest and releases the run lock. kill -9 cannot be trapped: there
the kernel drops the lock, and ``bwrap --die-with-parent`` takes the sandbox down.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

__all__ = ["trap_signals"]


def trap_signals(on_signal: Callable[[str], None]) -> Callable[[], None]:
    """Cancel the current task on SIGINT/SIGTERM; returns the function that un-traps.

    ``on_signal(name)`` is called first (``"SIGINT"`` or ``"SIGTERM"``). Outside the main
    thread (no signal handlers there) nothing is trapped.
    """
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    trapped: list[signal.Signals] = []

    def stop(name: str) -> None:
        on_signal(name)
        if task is not None:
            task.cancel()

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop, sig.name)
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        trapped.append(sig)

    def restore() -> None:
        for sig in trapped:
            loop.remove_signal_handler(sig)

    return restore
