"""LLM judges for the persona rules code cannot decide, calibrated and bias-checked.

    JudgeGrader          the grader (``graders.judge:JudgeGrader``), one grade per rule
    compare_pair         pairwise mode: two outputs, both orders, position bias
    calibrate            κ / confusion matrix / per-rule agreement against labels
    agreement_table      judge second opinions vs deterministic graders, per rule

See ``docs/judges.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graders.judge._stats import Kappa, cohen_kappa, confusion, per_rule
    from graders.judge.agreement import agreement_pairs, agreement_table
    from graders.judge.calibration import CalibrationReport, calibrate
    from graders.judge.grader import JudgeGrader
    from graders.judge.labels import LABELS_PATH, LabelItem, load_labels
    from graders.judge.pairwise import PairwiseResult, compare_pair, inconsistency_rate

__all__ = [
    "LABELS_PATH",
    "CalibrationReport",
    "JudgeGrader",
    "Kappa",
    "LabelItem",
    "PairwiseResult",
    "agreement_pairs",
    "agreement_table",
    "calibrate",
    "cohen_kappa",
    "compare_pair",
    "confusion",
    "inconsistency_rate",
    "load_labels",
    "per_rule",
]

#: Where each public name lives. Loaded on first use: the grader itself needs neither
#: pandas nor scipy (only calibration and agreement do), and runs import the registry.
_HOME = {
    "Kappa": "_stats",
    "cohen_kappa": "_stats",
    "confusion": "_stats",
    "per_rule": "_stats",
    "agreement_pairs": "agreement",
    "agreement_table": "agreement",
    "CalibrationReport": "calibration",
    "calibrate": "calibration",
    "JudgeGrader": "grader",
    "LABELS_PATH": "labels",
    "LabelItem": "labels",
    "load_labels": "labels",
    "PairwiseResult": "pairwise",
    "compare_pair": "pairwise",
    "inconsistency_rate": "pairwise",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
