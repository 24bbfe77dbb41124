"""One writer per run directory: an exclusive ``flock`` on ``<run>/.lock``.

``evals run`` (new or ``--resume``) holds the lock for its whole life. A second writer
refuses at once with one line naming the holder's pid, host and start time. The kernel
drops the lock when the holder dies (kill -9 included), so a lock left by a dead
process is simply taken over: there is no stale-lock guessing by pid. The file's text
(pid, host, start) is only for the refusal message and for :func:`holder`; it is
emptied on release and never deleted (deleting a lock file races with a new locker).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
from pathlib import Path
from types import TracebackType
from typing import Any

from evals.errors import RunLogError

__all__ = ["LOCK", "RunLock", "RunLockedError", "holder", "is_held"]

LOCK = ".lock"


class RunLockedError(RunLogError):
    """Another live process holds the run directory's lock."""


def holder(run_dir: Path) -> dict[str, Any] | None:
    """Who holds (or last held, if it died) the lock: ``{pid, host, since}``, or None."""
    try:
        text = (Path(run_dir) / LOCK).read_text(encoding="utf-8")
        info = json.loads(text) if text.strip() else None
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def is_held(run_dir: Path) -> bool:
    """True when the lock's last holder is still alive (or on another host: unknowable).

    Read-only (never takes the lock), so a report can tell a live ``running`` run from
    one whose writer died without marking the manifest.
    """
    info = holder(run_dir)
    if not info:
        return False
    if info.get("host") != socket.gethostname():
        return True
    try:
        os.kill(int(info.get("pid", 0)), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError, OverflowError):
        return True
    return True


class RunLock:
    """Context manager: hold ``<run_dir>/.lock`` exclusively or raise RunLockedError."""

    def __init__(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / LOCK
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        """Take the lock without waiting.

        Raises:
            RunLockedError: another process holds it (the message names pid and host).
            RunLogError: the lock file cannot be created (read-only directory).
        """
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise RunLogError(
                f"cannot create the run lock ({exc.strerror}); is the directory writable?",
                path=self.path,
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            info = holder(self.path.parent) or {}
            raise RunLockedError(
                f"run directory is in use by pid {info.get('pid', '?')} on host "
                f"{info.get('host', '?')} (since {info.get('since', '?')}); wait for it to "
                "finish or stop it, then resume",
                path=self.path.parent,
            ) from None
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(me).encode(), 0)
        except OSError:
            pass  # the lock holds without its description (disk full)
        self._fd = fd
        return self

    def release(self) -> None:
        """Empty the holder text and drop the lock (idempotent)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
