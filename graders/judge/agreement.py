"""Second-opinion agreement: judge verdicts vs deterministic graders on the same rule.

Reads graded samples (``samples.jsonl`` records); a pair is a judge grade marked
``judge.second_opinion`` and another grader's grade naming the same rule on the
same sample, both ``pass`` or ``fail``. The scorecard and ``evals judge agreement`` show
the per-rule κ from :func:`agreement_table`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from evals.schema import Sample
from graders.judge._stats import cohen_kappa

__all__ = ["agreement_pairs", "agreement_table"]

_DECIDED = ("pass", "fail")


def agreement_pairs(samples: Iterable[Sample]) -> pd.DataFrame:
    """One row per (sample, rule, grader): ``judge`` and ``grader_verdict`` side by side."""
    rows = []
    for sample in samples:
        judged = {
            g.rule_ids[0]: g.verdict
            for g in sample.grades
            if g.grader == "judge"
            and g.judge is not None
            and g.judge.second_opinion
            and g.verdict in _DECIDED
            and len(g.rule_ids) == 1
        }
        for grade in sample.grades:
            if grade.grader == "judge" or grade.verdict not in _DECIDED:
                continue
            for rule in grade.rule_ids:
                if rule in judged:
                    rows.append(
                        {
                            "sample_id": sample.sample_id,
                            "rule": rule,
                            "grader": grade.grader,
                            "judge": judged[rule],
                            "grader_verdict": grade.verdict,
                        }
                    )
    columns = ["sample_id", "rule", "grader", "judge", "grader_verdict"]
    return pd.DataFrame(rows, columns=columns)


def agreement_table(samples: Iterable[Sample]) -> pd.DataFrame:
    """Per rule and grader: pairs, agreement share and Cohen's κ (NaN when undefined)."""
    pairs = agreement_pairs(samples)
    rows = []
    for (rule, grader), group in pairs.groupby(["rule", "grader"], sort=True):
        k = cohen_kappa(list(group["judge"]), list(group["grader_verdict"]))
        rows.append(
            {
                "rule": rule,
                "grader": grader,
                "n": len(group),
                "agree": float((group["judge"] == group["grader_verdict"]).mean()),
                "kappa": k.kappa,
            }
        )
    return pd.DataFrame(rows, columns=["rule", "grader", "n", "agree", "kappa"])
