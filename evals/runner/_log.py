"""The append-only run log: ``samples.jsonl`` and ``manifest.json``.

Each finished sample is one JSON line, written with a single ``write`` and then
``flush`` + ``fsync``, so a crash loses at most the sample being written. A torn last
line (the process died mid-write) is moved to ``samples.partial`` on the next open and
never silently dropped. When a sample id appears twice (an infra error retried on
resume), the last line wins.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from evals.errors import RunLogError
from evals.schema import Manifest, Sample

__all__ = ["RunLog", "read_manifest", "read_samples", "write_manifest"]

SAMPLES = "samples.jsonl"
MANIFEST = "manifest.json"


def write_manifest(run_dir: Path, manifest: Manifest) -> None:
    """Atomically replace ``manifest.json``."""
    tmp = run_dir / (MANIFEST + ".tmp")
    tmp.write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, run_dir / MANIFEST)


def read_manifest(run_dir: Path) -> Manifest:
    path = run_dir / MANIFEST
    if not path.is_file():
        raise RunLogError("no manifest.json: not a run directory", path=run_dir)
    try:
        return Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise RunLogError(f"invalid manifest: {exc.errors()[0]['msg']}", path=path) from exc


def read_samples(run_dir: Path) -> Iterator[Sample]:
    """Every complete sample line, in file order (a torn last line is skipped)."""
    path = run_dir / SAMPLES
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.endswith("\n"):
                return  # torn tail from a crash
            try:
                yield Sample.model_validate_json(line)
            except ValidationError as exc:
                raise RunLogError(f"line {lineno}: invalid sample record", path=path) from exc


class RunLog:
    """Appends samples to ``<run>/samples.jsonl`` durably."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.path = run_dir / SAMPLES
        self._repair_tail()
        self._fh = self.path.open("a", encoding="utf-8")

    def _repair_tail(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if not data or data.endswith(b"\n"):
            return
        cut = data.rfind(b"\n") + 1
        with (self.run_dir / "samples.partial").open("ab") as aside:
            aside.write(data[cut:] + b"\n")
        with self.path.open("r+b") as fh:
            fh.truncate(cut)

    def latest(self) -> dict[str, Sample]:
        """Sample id -> last recorded sample."""
        return {s.sample_id: s for s in read_samples(self.run_dir)}

    def append(self, sample: Sample) -> None:
        line = json.dumps(sample.model_dump(mode="json"), ensure_ascii=False) + "\n"
        self._fh.write(line)
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()
