"""persona-evals: measure whether an AI coding agent behaves the way its persona says."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_run", "load_runs"]

if TYPE_CHECKING:
    import pandas as pd


def load_run(path: Any) -> pd.DataFrame:
    """Long-format DataFrame of one run: one row per sample × grade (see reports.frame)."""
    from reports.frame import load_run as _load_run

    return _load_run(path)


def load_runs(paths: Any) -> pd.DataFrame:
    """Long-format DataFrame of several runs, one row per grade (see reports.frame)."""
    from reports.frame import load_runs as _load_runs

    return _load_runs(paths)
