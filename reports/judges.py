"""The scorecard's judge section: verdicts per rule, κ against labels and against rule graders.

Only runs that hold judge grades pay for this: the run log is streamed once more and
only lines mentioning the judge are parsed, with outputs and files dropped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from evals.schema import Sample

__all__ = ["judge_section"]


def _judge_samples(run_dir: Path) -> list[Sample]:
    out: list[Sample] = []
    path = run_dir / "samples.jsonl"
    if not path.exists():
        return out
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if '"judge"' not in line or not line.endswith("\n"):
                continue
            data = json.loads(line)
            data.update(output="", prompt="", files={})
            out.append(Sample.model_validate(data))
    return out


def judge_section(run_dir: Path, frame: pd.DataFrame) -> dict[str, Any]:
    """Context for the judge section; empty when the run has no judge grades."""
    judged = frame[frame["grader"] == "judge"]
    if judged.empty:
        return {}
    counts = pd.crosstab(judged["rule"].astype(str), judged["verdict"].astype(str))
    verdicts = [
        {"rule": rule, **{v: int(row.get(v, 0)) for v in
                          ("pass", "fail", "unscored", "error", "skipped")}}
        for rule, row in counts.iterrows()
    ]
    samples = _judge_samples(run_dir)
    labels: dict[str, float] = {}
    skipped_reasons: dict[str, int] = {}
    for sample in samples:
        for grade in sample.grades:
            if grade.grader != "judge":
                continue
            if "kappa" in grade.metadata:
                labels[str(grade.metadata.get("judge"))] = float(grade.metadata["kappa"])
            if grade.verdict == "skipped":
                skipped_reasons[grade.reason] = skipped_reasons.get(grade.reason, 0) + 1
    agreement: list[dict[str, Any]] = []
    if samples:
        from graders.judge import agreement_table

        table = agreement_table(samples)
        agreement = [
            {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
            for row in table.to_dict("records")
        ]
    return {
        "verdicts": verdicts,
        "label_kappa": sorted(labels.items()),
        "agreement": agreement,
        "skipped": sorted(skipped_reasons.items(), key=lambda kv: -kv[1]),
    }
