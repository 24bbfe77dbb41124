"""The blessed baseline run: ``<RUNS_DIR>/baseline.json`` beside the runs it names.

The file lives in the folder that holds the run directories (``RUNS_DIR``), so it
travels with them (a CI cache or artifact of ``runs/`` carries its baseline along).
It records the run by its folder name relative to ``RUNS_DIR`` (absolute when the run
lives elsewhere) plus the identity needed to audit it later.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.errors import ConfigError, RunLogError
from reports.frame import read_manifest

__all__ = ["BASELINE_FILE", "baseline_file", "find_baseline", "read_baseline", "set_baseline"]

BASELINE_FILE = "baseline.json"


def baseline_file(runs_dir: Path) -> Path:
    """Where the baseline of the runs in ``runs_dir`` is recorded."""
    return runs_dir / BASELINE_FILE


def set_baseline(run_dir: Path) -> Path:
    """Bless ``run_dir`` as the baseline of its parent folder; returns the file written.

    Raises:
        RunLogError: ``run_dir`` is not a run directory.
    """
    run_dir = run_dir.resolve()
    manifest = read_manifest(run_dir)
    if manifest.state != "complete":
        raise RunLogError(
            f"run state is {manifest.state!r}; bless only a complete run "
            "(finish it with `evals run --resume`)",
            path=run_dir / "manifest.json",
            field="state",
        )
    record = {
        "run": run_dir.name,
        "run_id": manifest.run_id,
        "personas": [{"name": p.get("name"), "sha256": p.get("sha256")} for p in manifest.personas],
        "models": manifest.models,
        "suite_sha": manifest.suite_sha,
        "set_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path = baseline_file(run_dir.parent)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def read_baseline(runs_dir: Path) -> dict[str, Any] | None:
    """The baseline record of ``runs_dir`` with ``path`` resolved, or None if none is set.

    Raises:
        ConfigError: The file exists but is unreadable or names a missing run.
    """
    path = baseline_file(runs_dir)
    if not path.is_file():
        return None
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        run = Path(record["run"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            "unreadable baseline record; re-bless with `evals baseline set RUN`",
            path=path,
            field="run",
        ) from exc
    resolved = run if run.is_absolute() else runs_dir / run
    if not (resolved / "manifest.json").is_file():
        raise ConfigError(
            f"baseline run {resolved} no longer exists; re-bless with `evals baseline set RUN`",
            path=path,
            field="run",
        )
    record["path"] = str(resolved)
    return record


def find_baseline(run_dir: Path) -> Path | None:
    """The blessed baseline for ``run_dir`` (from its parent folder), unless it is itself."""
    record = read_baseline(run_dir.resolve().parent)
    if record is None:
        return None
    path = Path(record["path"]).resolve()
    return None if path == run_dir.resolve() else path
