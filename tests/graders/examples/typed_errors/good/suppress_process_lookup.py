# suppress(ProcessLookupError) when signalling a child that may have exited.
import contextlib
import os
import signal


def stop_child(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
