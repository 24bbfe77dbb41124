"""LLM judges for the persona rules code cannot decide, calibrated and bias-checked.

    JudgeGrader          the grader (``graders.judge:JudgeGrader``), one grade per rule
    compare_pair         pairwise mode: two outputs, both orders, position bias
    calibrate            κ / confusion matrix / per-rule agreement against labels
    agreement_table      judge second opinions vs deterministic graders, per rule

See ``docs/judges.md``.
"""

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
