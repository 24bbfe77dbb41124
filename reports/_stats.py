"""Small statistics kernels: clustered bootstrap, exact McNemar, Holm, unbiased pass@k."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.stats import binomtest

__all__ = [
    "N_BOOT",
    "cluster_bootstrap_ci",
    "holm",
    "mcnemar_exact",
    "paired_cluster_bootstrap_ci",
    "pass_at_k",
    "pass_hat_k",
    "wilson_ci",
]

#: Bootstrap resamples. 2,000 gives percentile bounds stable to ~0.01 at these sizes.
N_BOOT = 2000

FloatArray = NDArray[np.float64]


def wilson_ci(passes: float, n: float, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval; used when there are too few clusters to resample."""
    if n <= 0:
        return (math.nan, math.nan)
    p = passes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def cluster_bootstrap_ci(
    passes: FloatArray, totals: FloatArray, *, n_boot: int = N_BOOT, seed: int = 0
) -> tuple[float, float]:
    """95% percentile CI of ``sum(passes) / sum(totals)``, resampling whole clusters.

    Args:
        passes: Passes per cluster (task).
        totals: Decided verdicts per cluster.
        n_boot: Resamples.
        seed: RNG seed (reports are reproducible).

    Returns:
        ``(low, high)``; the Wilson interval when there are fewer than two clusters.
    """
    k = len(totals)
    if k < 2:
        return wilson_ci(float(passes.sum()), float(totals.sum()))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, k, size=(n_boot, k))
    num = passes[idx].sum(axis=1)
    den = totals[idx].sum(axis=1)
    rates = num[den > 0] / den[den > 0]
    if rates.size == 0:
        return (math.nan, math.nan)
    low, high = np.percentile(rates, [2.5, 97.5])
    return (float(low), float(high))


def paired_cluster_bootstrap_ci(
    diffs: FloatArray, counts: FloatArray, *, n_boot: int = N_BOOT, seed: int = 0
) -> tuple[float, float]:
    """95% CI of the mean paired difference, resampling clusters (tasks) of pairs.

    Args:
        diffs: Per cluster, the sum of ``b - a`` over its pairs (each in {-1, 0, 1}).
        counts: Per cluster, the number of pairs.
        n_boot: Resamples.
        seed: RNG seed.

    Returns:
        ``(low, high)``; with one cluster, pairs are resampled individually instead.
    """
    k = len(counts)
    if k == 0:
        return (math.nan, math.nan)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, k, size=(n_boot, k))
    den = counts[idx].sum(axis=1)
    means = diffs[idx].sum(axis=1)[den > 0] / den[den > 0]
    low, high = np.percentile(means, [2.5, 97.5])
    return (float(low), float(high))


def mcnemar_exact(improved: int, regressed: int) -> float:
    """Two-sided exact McNemar p-value: a binomial test on the discordant pairs."""
    n = improved + regressed
    if n == 0:
        return 1.0
    return float(binomtest(improved, n, 0.5, alternative="two-sided").pvalue)


def holm(pvalues: list[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (same order as given; NaN stays NaN)."""
    order = [
        i
        for i in sorted(range(len(pvalues)), key=lambda i: pvalues[i])
        if not math.isnan(pvalues[i])
    ]
    m = len(order)
    adjusted = [math.nan] * len(pvalues)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k: probability that at least one of k draws (of n, c correct) passes."""
    if n < k:
        return math.nan
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def pass_hat_k(n: int, c: int, k: int) -> float:
    """Unbiased pass^k: probability that all of k draws (of n, c correct) pass."""
    if n < k:
        return math.nan
    return math.comb(c, k) / math.comb(n, k)
