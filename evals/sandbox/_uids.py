"""Leases on sample uids: every warm worker on this machine gets a uid of its own.

When the harness runs as root, samples drop to an unprivileged uid so RLIMIT_NPROC
applies (the kernel exempts root). That limit counts *every* process of the uid on the
machine, so two workers (of this or any other harness process) must never share one: a
fork bomb in one sample would starve the other. A lease is an exclusive ``flock`` on a
per-uid file, held for the worker's lifetime and released by the kernel if we die.
"""

from __future__ import annotations

import fcntl
import os
import random
import tempfile
from pathlib import Path

from evals.errors import SandboxError

__all__ = ["UID_BASE", "UID_COUNT", "UidLease"]

#: Sample uids: 190000..(190000 + UID_COUNT); never real accounts.
UID_BASE = 190_000
UID_COUNT = 4096


class UidLease:
    """An exclusively held sample uid; :meth:`release` (or process exit) frees it."""

    def __init__(self, folder: Path | None = None) -> None:
        folder = folder or Path(tempfile.gettempdir()) / "evals-sandbox-uids"
        folder.mkdir(mode=0o755, exist_ok=True)
        start = random.randrange(UID_COUNT)
        for offset in range(UID_COUNT):
            uid = UID_BASE + (start + offset) % UID_COUNT
            fd = os.open(folder / str(uid), os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            return
        raise SandboxError(f"all {UID_COUNT} sample uids are in use", path=folder)

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
