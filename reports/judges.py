"""The scorecard's judge section: verdicts per rule, κ against labels and against rule graders.

Verdict counts and skip reasons come from the long frame. κ against the labels (stored
by ``evals judge calibrate --save``) and the second-opinion agreement need each judge
grade's typed ``Grade.judge``, so the run log is streamed once more: only lines naming a
judge are parsed, one at a time, with outputs and files dropped, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from evals.log import iter_samples
from evals.schema import Sample

__all__ = ["judge_section"]


def _mentions_judge(line: bytes) -> bool:
    # A cheap pre-filter on the raw line; what counts is decided on the typed grade below.
    return b'"judge"' in line


def _stream(run_dir: Path, labels: dict[str, float]) -> Iterator[Sample]:
    """Yield second-opinion samples (trimmed); record label κ per judge on the way."""
    for _, sample in iter_samples(run_dir, keep=_mentions_judge):
        second = False
        for grade in sample.grades:
            if grade.judge is None:
                continue
            if grade.judge.kappa is not None:
                labels[grade.judge.model] = grade.judge.kappa
            second = second or grade.judge.second_opinion
        if second:
            yield sample.model_copy(update={"output": "", "prompt": "", "files": {}})


def judge_section(run_dir: Path, frame: pd.DataFrame) -> dict[str, Any]:
    """Context for the judge section; empty when the run has no judge grades."""
    judged = frame[frame["grader"] == "judge"]
    if judged.empty:
        return {}
    counts = pd.crosstab(judged["rule"].astype(str), judged["verdict"].astype(str))
    verdicts = [
        {
            "rule": rule,
            **{v: int(row.get(v, 0)) for v in ("pass", "fail", "unscored", "error", "skipped")},
        }
        for rule, row in counts.iterrows()
    ]
    skipped = judged[judged["verdict"] == "skipped"].drop_duplicates(["sample_id", "rule"])
    reasons = skipped["reason"].astype(str).value_counts()
    labels: dict[str, float] = {}
    from graders.judge import agreement_table

    table = agreement_table(_stream(run_dir, labels))
    agreement = [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        for row in table.to_dict("records")
    ]
    return {
        "verdicts": verdicts,
        "label_kappa": sorted(labels.items()),
        "agreement": agreement,
        "skipped": [(reason, int(n)) for reason, n in reasons.items() if n],
    }
