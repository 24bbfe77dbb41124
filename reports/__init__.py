"""Reports over run directories: DataFrame, scorecard, compare, trend, gate.

The public names are imported lazily, so ``import reports`` (and ``evals.load_run``)
does not pull in matplotlib until a chart is drawn.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "compare_paths",
    "gate",
    "load_run",
    "load_runs",
    "set_baseline",
    "write_scorecard",
    "write_trend",
]

_WHERE = {
    "compare_paths": "reports.compare",
    "gate": "reports.gate",
    "load_run": "reports.frame",
    "load_runs": "reports.frame",
    "set_baseline": "reports.baseline",
    "write_scorecard": "reports.scorecard",
    "write_trend": "reports.trend",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'reports' has no attribute {name!r}")
