"""Writing a run directory: the append-only ``samples.jsonl`` and ``manifest.json``.

Each finished sample is one JSON line, written with a single ``write`` and then
``flush`` + ``fsync``, so a crash loses at most the sample being written. A torn last
line (the process died mid-write) is moved to ``samples.partial`` on the next open and
never silently dropped. A write that fails (disk full, read-only file system) is cut
back to the last whole line and raised as one :class:`~evals.errors.RunLogError`; every
line already written stays, and ``evals run --resume`` continues once space returns.
Only the holder of the run's lock (:class:`~evals.log.RunLock`) may write.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from pathlib import Path

from evals.errors import RunLogError
from evals.log._cap import cap_sample
from evals.log._read import MANIFEST, SAMPLES
from evals.schema import Manifest, Sample

__all__ = ["RunLog", "write_manifest", "write_failure"]


def write_failure(path: Path, exc: OSError) -> RunLogError:
    """The one-line error for a failed write of ``path``."""
    reason = exc.strerror or type(exc).__name__
    return RunLogError(
        f"cannot write ({reason}); every sample recorded so far is kept: free space or fix "
        "the permissions, then `evals run --resume` the run",
        path=path,
    )


def write_manifest(run_dir: Path, manifest: Manifest) -> None:
    """Atomically replace ``manifest.json`` (write a temporary file, fsync, rename).

    On a full disk the temporary file cannot be written; the manifest is then rewritten
    in place if the new text fits in the blocks the old file already holds (overwriting
    allocated blocks needs no free space), so a run stopped by a full disk can still say
    ``interrupted``. Otherwise the old manifest is left untouched and the error raised.
    """
    tmp = run_dir / (MANIFEST + ".tmp")
    data = manifest.model_dump_json(indent=2).encode("utf-8")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, run_dir / MANIFEST)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if exc.errno != errno.ENOSPC or not _rewrite_in_place(run_dir / MANIFEST, data):
            raise write_failure(run_dir / MANIFEST, exc) from exc


def _rewrite_in_place(path: Path, data: bytes) -> bool:
    try:
        allocated = os.stat(path).st_blocks * 512
        if len(data) > allocated:
            return False
        with path.open("r+b") as fh:
            fh.write(data)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        return False
    return True


class RunLog:
    """Appends samples to ``<run>/samples.jsonl``, durably unless ``fsync=False``."""

    def __init__(self, run_dir: Path, *, fsync: bool = True) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / SAMPLES
        self.fsync = fsync
        try:
            self._repair_tail()
            self._fh = self.path.open("ab")
        except OSError as exc:
            raise write_failure(self.path, exc) from exc

    def _repair_tail(self) -> None:
        if not self.path.exists():
            return
        with self.path.open("rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            if size == 0:
                return
            fh.seek(size - 1)
            if fh.read(1) == b"\n":
                return
            data = self.path.read_bytes()
        cut = data.rfind(b"\n") + 1
        with (self.run_dir / "samples.partial").open("ab") as aside:
            aside.write(data[cut:] + b"\n")
        with self.path.open("r+b") as fh:
            fh.truncate(cut)

    def append(self, sample: Sample) -> None:
        """Write one sample as one line; on failure the file keeps only whole lines.

        Graders' evidence is capped first (:func:`~evals.log.cap_sample`): this is the one
        place every sample passes through on its way to ``samples.jsonl``.
        """
        record = cap_sample(sample).model_dump(mode="json")
        try:
            data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate in model output: escape it
            data = (json.dumps(record) + "\n").encode("ascii")
        start = self._fh.tell()
        try:
            self._fh.write(data)
            self._fh.flush()
            if self.fsync:
                os.fsync(self._fh.fileno())
        except OSError as exc:
            self._cut_back(start)
            raise write_failure(self.path, exc) from exc

    def _cut_back(self, start: int) -> None:
        with contextlib.suppress(OSError):  # the buffered bytes are the unwritable ones
            self._fh.close()
        try:
            with self.path.open("r+b") as fh:
                fh.truncate(start)
            self._fh = self.path.open("ab")
        except OSError:
            pass  # a torn tail is repaired on the next open

    def close(self) -> None:
        """Close the file (a failed final flush is reported like a failed append)."""
        try:
            self._fh.close()
        except OSError as exc:
            raise write_failure(self.path, exc) from exc
