"""Run directories -> one long pandas DataFrame, one row per grade and persona rule.

``samples.jsonl`` is stream-parsed line by line: only the fields the reports need are
kept (never the model output or files), so memory stays flat however large the run.
The byte offset of each sample's line is kept so a report can re-read the few samples
it shows in full (:func:`read_sample`).

Log semantics are :mod:`evals.log`'s: a torn last line (a crash mid-write) is ignored
with a warning; a ``sample_id`` recorded twice resolves to its first ``ok`` line (else
its last); older records are migrated; an ``infra_error`` sample becomes one row with
``verdict`` NaN so it can be counted.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evals.log import LogScan, is_held, iter_samples, read_manifest, read_sample_at
from evals.schema import Manifest, Sample
from reports._columns import COLUMNS, STRING_COLUMNS, FrameBuilder

__all__ = [
    "COLUMNS",
    "RunData",
    "load_run",
    "load_runs",
    "read_manifest",
    "read_sample",
    "scan_run",
]

#: String columns made categorical (``sample_id`` stays as built: one value per sample).
_CATEGORICAL = [c for c in STRING_COLUMNS if c != "sample_id"]


@dataclass
class RunData:
    """One scanned run: its manifest, its frame, and where each sample's line starts."""

    path: Path
    manifest: Manifest
    frame: pd.DataFrame
    offsets: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def scan_run(path: str | Path) -> RunData:
    """Read one run directory into a :class:`RunData` (through :mod:`evals.log`).

    Args:
        path: The run directory (holds ``manifest.json`` and ``samples.jsonl``).

    Returns:
        The manifest, the long frame (see :data:`COLUMNS`), line offsets and warnings
        (a torn last line, duplicate lines dropped, records migrated from older logs).

    Raises:
        RunLogError: The directory is not a run, or a (non-final) line is corrupt.
    """
    run_dir = Path(path)
    manifest = read_manifest(run_dir)
    if manifest.state == "running" and not is_held(run_dir):
        manifest.state = "interrupted"  # its writer died without saying so
    run = run_dir.resolve().name
    offsets: dict[str, int] = {}
    builder = FrameBuilder(run)
    scan = LogScan()
    for start, sample in iter_samples(run_dir, scan):
        builder.add(sample)  # a later (superseding) line for the same sample_id wins
        offsets[sample.sample_id] = start
    for note in scan.notes:
        warnings.warn(note, stacklevel=2)
    return RunData(run_dir, manifest, _categorise(builder.frame()), offsets, scan.notes)


def _categorise(frame: pd.DataFrame) -> pd.DataFrame:
    for col in _CATEGORICAL:
        frame[col] = frame[col].astype("category")
    frame["epoch"] = frame["epoch"].astype("int64")
    frame["score"] = frame["score"].astype("float64")
    frame["n_evidence"] = frame["n_evidence"].astype("int64")
    return frame


def read_sample(run: RunData, sample_id: str) -> Sample:
    """Re-read one sample in full (output, files, evidence) by its line offset."""
    return read_sample_at(run.path, run.offsets[sample_id])


def load_run(path: str | Path) -> pd.DataFrame:
    """Long DataFrame of one run: one row per grade and persona rule.

    Args:
        path: A run directory.

    Returns:
        A frame with the columns in :data:`COLUMNS`; infra-error (and ungraded) samples
        are one row each with ``verdict`` NaN.
    """
    return scan_run(path).frame


def load_runs(paths: Iterable[str | Path] | str | Path) -> pd.DataFrame:
    """Long DataFrame of several runs (see :func:`load_run`), told apart by ``run``."""
    if isinstance(paths, str | Path):
        paths = [paths]
    frames = [scan_run(p).frame for p in paths]
    if not frames:
        return _categorise(FrameBuilder("").frame())
    joined = pd.concat(
        [f.astype({c: "object" for c in _CATEGORICAL}) for f in frames], ignore_index=True
    )
    return _categorise(joined)
