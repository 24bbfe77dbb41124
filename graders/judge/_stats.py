"""Agreement statistics: Cohen's κ (with a 95% interval), confusion matrix, per-rule.

numpy/pandas/scipy only. κ = (p_o - p_e) / (1 - p_e); its large-sample standard error
is sqrt(p_o (1 - p_o) / (n (1 - p_e)^2)) (Cohen 1960), and the interval uses the normal
quantile from scipy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["Kappa", "cohen_kappa", "confusion", "per_rule"]


@dataclass(frozen=True)
class Kappa:
    """Cohen's κ between two raters over ``n`` items."""

    kappa: float
    low: float
    high: float
    observed: float
    expected: float
    n: int


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> Kappa:
    """Cohen's κ of two equally long label sequences (any string categories).

    Degenerate case: when both raters use one and the same category, p_e = 1 and κ is
    undefined (NaN), however much they agree.
    """
    if len(a) != len(b):
        raise ValueError("rater sequences differ in length")
    n = len(a)
    if n == 0:
        return Kappa(math.nan, math.nan, math.nan, math.nan, math.nan, 0)
    cats = sorted(set(a) | set(b))
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)))
    for x, y in zip(a, b, strict=True):
        table[index[x], index[y]] += 1
    p_o = float(np.trace(table)) / n
    p_e = float(table.sum(axis=1) @ table.sum(axis=0)) / (n * n)
    if math.isclose(p_e, 1.0):
        return Kappa(math.nan, math.nan, math.nan, p_o, p_e, n)
    kappa = (p_o - p_e) / (1 - p_e)
    se = math.sqrt(max(p_o * (1 - p_o), 0.0) / (n * (1 - p_e) ** 2))
    z = float(stats.norm.ppf(0.975))
    return Kappa(kappa, max(-1.0, kappa - z * se), min(1.0, kappa + z * se), p_o, p_e, n)


def confusion(
    human: Sequence[str], judge: Sequence[str], order: Sequence[str] = ()
) -> pd.DataFrame:
    """Counts with human verdicts as rows and judge verdicts as columns."""
    frame = pd.crosstab(pd.Series(list(human), name="human"), pd.Series(list(judge), name="judge"))
    labels = list(order) + sorted((set(human) | set(judge)) - set(order))
    rows = [c for c in labels if c in set(human)]
    cols = [c for c in labels if c in set(judge) or c in set(human)]
    return frame.reindex(index=rows, columns=cols, fill_value=0)


def per_rule(frame: pd.DataFrame, a: str = "human", b: str = "judge") -> pd.DataFrame:
    """Per ``rule``: items, agreement share and κ between columns ``a`` and ``b``."""
    rows = []
    for rule, group in frame.groupby("rule", sort=True):
        k = cohen_kappa(list(group[a]), list(group[b]))
        rows.append(
            {
                "rule": rule,
                "n": len(group),
                "agree": float((group[a] == group[b]).mean()),
                "kappa": k.kappa,
            }
        )
    return pd.DataFrame(rows, columns=["rule", "n", "agree", "kappa"])
