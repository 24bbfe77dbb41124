"""Reading a run directory: the manifest and the samples, migrated and de-duplicated.

Every reader of ``manifest.json`` and ``samples.jsonl`` (resume, reports, compare, the
judge tools) goes through this module, so they agree on what a log says:

- a record newer than this code is refused with one line; older ones are migrated;
- fields this code does not know are kept on the loaded object (and written back);
- a torn last line (the writer died mid-write) is skipped and reported, never fatal;
- any other undecodable line is a :class:`~evals.errors.RunLogError` naming the line;
- a sample id recorded more than once (an old log written by two racing resumes)
  resolves deterministically: the first ``ok`` line wins, else the last line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from evals.errors import RunLogError
from evals.log._migrate import migrate_manifest, migrate_sample
from evals.schema import SCHEMA_VERSION, Manifest, Sample

__all__ = [
    "MANIFEST",
    "SAMPLES",
    "LogScan",
    "iter_samples",
    "read_manifest",
    "read_sample_at",
    "read_samples",
]

SAMPLES = "samples.jsonl"
MANIFEST = "manifest.json"
#: How :class:`~evals.log.RunLog` starts every current-version line (the fast path).
_CURRENT = f'{{"schema_version": {SCHEMA_VERSION},'.encode()


@dataclass
class LogScan:
    """What a pass over ``samples.jsonl`` found besides the samples it yielded."""

    lines: int = 0
    #: Later lines of a sample id whose ``ok`` line came first (dropped).
    duplicates: int = 0
    #: Lines of an older schema version, migrated on load.
    migrated: int = 0
    torn_tail: bool = False
    notes: list[str] = field(default_factory=list)


def _fail(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors()[0]
    return ".".join(str(p) for p in err["loc"]) or "(root)", str(err["msg"])


def read_manifest(run_dir: Path) -> Manifest:
    """Parse, version-check and migrate ``<run_dir>/manifest.json``.

    Raises:
        RunLogError: not a run directory, or the manifest is corrupt or too new.
    """
    path = Path(run_dir) / MANIFEST
    if not path.is_file():
        raise RunLogError(
            "no manifest.json: not a run directory (pass the folder `evals run --out` wrote)",
            path=run_dir,
        )
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0][:120]
        raise RunLogError(
            f"unreadable ({reason}); restore it or re-create the run", path=path
        ) from exc
    if not isinstance(record, dict):
        raise RunLogError("must be a JSON object; re-create the run", path=path)
    record = migrate_manifest(record, str(path))
    try:
        return Manifest.model_validate(record)
    except ValidationError as exc:
        loc, msg = _fail(exc)
        raise RunLogError(f"{msg}; fix or re-create the run", path=path, field=loc) from exc


def _parse(line: bytes, where: str, scan: LogScan | None) -> Sample:
    try:
        if line.startswith(_CURRENT):
            try:
                return Sample.model_validate_json(line)
            except ValidationError:
                pass  # e.g. an escaped lone surrogate, which only json.loads accepts
        record: Any = json.loads(line)
        if not isinstance(record, dict):
            raise ValueError("a sample line must be a JSON object")
        before = record.get("schema_version", 1)
        record = migrate_sample(record, where)
        if scan is not None and before != SCHEMA_VERSION:
            scan.migrated += 1
        return Sample.model_validate(record)
    except ValidationError as exc:
        loc, msg = _fail(exc)
        raise RunLogError(
            f"invalid sample record ({loc}: {msg}); delete that line and "
            "`evals run --resume` to redo the sample",
            path=where,
        ) from exc
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise RunLogError(
            f"not valid JSON ({str(exc).splitlines()[0][:120]}); delete that line and "
            "`evals run --resume` to redo the sample",
            path=where,
        ) from exc


def iter_samples(
    run_dir: Path,
    scan: LogScan | None = None,
    keep: Callable[[bytes], bool] | None = None,
) -> Iterator[tuple[int, Sample]]:
    """Stream ``(byte offset, sample)`` in file order, de-duplicated on arrival.

    A line for a sample id that already has an ``ok`` line is dropped (counted in
    ``scan.duplicates``); any other repeat is yielded and supersedes the earlier one, so
    a consumer keeping the last sample per id gets the deterministic winner.

    Args:
        run_dir: The run directory.
        scan: Filled in with counts and notes when given.
        keep: Optional cheap filter on the raw line; lines it rejects are not parsed
            (and take no part in de-duplication).
    """
    path = Path(run_dir) / SAMPLES
    if not path.exists():
        return
    scan = scan if scan is not None else LogScan()
    settled: set[str] = set()
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise RunLogError(
            f"unreadable ({exc.strerror}); it must be the run's JSON Lines file", path=path
        ) from exc
    with fh:
        pos = 0
        for lineno, line in enumerate(fh, 1):
            start, pos = pos, pos + len(line)
            scan.lines += 1
            if not line.endswith(b"\n"):
                scan.torn_tail = True
                scan.notes.append(f"{path}: line {lineno} is truncated (crash mid-write); ignored")
                return
            if not line.strip() or (keep is not None and not keep(line)):
                continue
            sample = _parse(line, f"{path}: line {lineno}", scan)
            if sample.sample_id in settled:
                scan.duplicates += 1
                continue
            if sample.status == "ok":
                settled.add(sample.sample_id)
            yield start, sample
    if scan.duplicates:
        scan.notes.append(
            f"{path}: {scan.duplicates} duplicate line(s) of already-recorded samples "
            "dropped (the first ok line of each sample is kept)"
        )


def read_samples(run_dir: Path, scan: LogScan | None = None) -> list[Sample]:
    """Every sample of the run once (the winner of each id), in order of first record."""
    latest: dict[str, Sample] = {}
    for _, sample in iter_samples(run_dir, scan):
        latest[sample.sample_id] = sample
    return list(latest.values())


def read_sample_at(run_dir: Path, offset: int) -> Sample:
    """Re-read the sample whose line starts at ``offset`` (see :func:`iter_samples`)."""
    path = Path(run_dir) / SAMPLES
    with path.open("rb") as fh:
        fh.seek(offset)
        return _parse(fh.readline(), f"{path}@{offset}", None)
