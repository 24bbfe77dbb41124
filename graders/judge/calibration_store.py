"""Measured judge κ per judge model (``calibration.json``), shown beside judge grades.

``evals judge calibrate LABELS --judge M --save`` writes an entry; the grader copies its
κ into ``grade.judge.kappa`` when the run's judge is ``M``. Recorded-response
calibrations are stored under ``recorded:<model>`` and never attach to real runs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["CALIBRATION_PATH", "known_kappa", "load_store", "save_entry"]

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")
ENV = "PERSONA_EVALS_JUDGE_CALIBRATION"


def _path(path: Path | None) -> Path:
    return path or Path(os.environ.get(ENV) or CALIBRATION_PATH)


def load_store(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """Judge name -> its last calibration entry (empty when there is no file)."""
    target = _path(path)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    judges = data.get("judges") if isinstance(data, dict) else None
    return judges if isinstance(judges, dict) else {}


def known_kappa(judge: str, path: Path | None = None) -> float | None:
    """The stored κ of ``judge`` (``kind/model``), or None."""
    entry = load_store(path).get(judge)
    if not isinstance(entry, dict):
        return None
    kappa = entry.get("kappa")
    return float(kappa) if isinstance(kappa, int | float) else None


def save_entry(judge: str, entry: dict[str, Any], path: Path | None = None) -> Path:
    """Store ``entry`` for ``judge`` (atomic rename) and return the file written."""
    target = _path(path)
    judges = load_store(target)
    judges[judge] = entry
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"judges": judges}, indent=2, sort_keys=True) + "\n", "utf-8")
    os.replace(tmp, target)
    return target
