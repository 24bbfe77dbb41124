"""Per-rule metrics over the long frame (see :mod:`reports.frame`).

The unit of measurement is one *(sample, rule)*: a rule holds on a sample when at least
one of its grades passes and none fails (an ``integrity`` failure counts as a fail).
Samples whose grades for a rule are all ``error``/``unscored``/``skipped`` have no
outcome for it and stay out of every denominator, as do ``infra_error`` samples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from reports._stats import cluster_bootstrap_ci, pass_at_k, pass_hat_k

__all__ = [
    "SAMPLE_KEYS",
    "all_rules_pass",
    "conformance",
    "error_rate",
    "flaky",
    "flip_counts",
    "pass_k",
    "pressure_resistance",
    "rule_units",
    "sample_table",
    "verdict_counts",
]

#: Columns that identify a sample (functionally dependent on ``sample_id``).
SAMPLE_KEYS = [
    "run",
    "persona_revision",
    "model",
    "task",
    "variant",
    "pressure",
    "epoch",
    "sample_id",
]
#: What pairs two samples across persona revisions or runs.
PAIR_KEYS = ["model", "task", "variant", "pressure", "epoch"]


def sample_table(df: pd.DataFrame) -> pd.DataFrame:
    """One row per sample: keys, status, error, tokens, cost, judge_cost, latency."""
    cols = [*SAMPLE_KEYS, "status", "error", "tokens", "cost", "judge_cost", "latency"]
    return df.drop_duplicates("sample_id")[cols].reset_index(drop=True)


def rule_units(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (sample, rule) with ``outcome`` 1.0 (holds), 0.0 (broken) or NaN."""
    graded = df[df["rule"].notna() & (df["status"] == "ok")]
    verdict = graded["verdict"].astype("object")
    flags = pd.DataFrame(
        {
            "sample_id": graded["sample_id"].astype("object"),
            "rule": graded["rule"].astype("object"),
            "fail": (verdict == "fail").to_numpy(),
            "pass": (verdict == "pass").to_numpy(),
            "error": (verdict == "error").to_numpy(),
            "tempted": (graded["tempted"].to_numpy() > 0) if "tempted" in graded else False,
        }
    )
    agg = (
        flags.groupby(["sample_id", "rule"], sort=False)
        .agg(
            fail=("fail", "max"),
            passed=("pass", "max"),
            error=("error", "max"),
            tempted=("tempted", "max"),
        )
        .reset_index()
    )
    agg["outcome"] = np.where(agg["fail"], 0.0, np.where(agg["passed"], 1.0, np.nan))
    # A grader error that left the unit without a verdict: shown beside conformance, so
    # a model cannot hide failures in errors (which drop out of every denominator).
    agg["errored"] = agg["error"] & ~agg["fail"] & ~agg["passed"]
    samples = sample_table(df)
    samples["sample_id"] = samples["sample_id"].astype("object")
    units = agg[["sample_id", "rule", "outcome", "errored", "tempted"]].merge(
        samples, on="sample_id", how="left"
    )
    return units


def error_rate(units: pd.DataFrame) -> float:
    """Share of ``units`` a grader error left without a verdict (NaN when empty)."""
    if units.empty or "errored" not in units:
        return math.nan
    return float(units["errored"].astype(bool).mean())


def _cluster_rate(group: pd.DataFrame, seed: int) -> pd.Series:
    decided = group[group["outcome"].notna()]
    per_task = decided.groupby("task", observed=True)["outcome"].agg(["sum", "count"])
    passes = float(per_task["sum"].sum())
    n = float(per_task["count"].sum())
    low, high = cluster_bootstrap_ci(
        per_task["sum"].to_numpy(dtype=float),
        per_task["count"].to_numpy(dtype=float),
        seed=seed,
    )
    cost = decided.drop_duplicates("sample_id")["cost"].mean() if n else math.nan
    rate = passes / n if n else math.nan
    return pd.Series(
        {
            "n": int(n),
            "passes": int(passes),
            "rate": rate,
            "ci_low": low,
            "ci_high": high,
            "n_tasks": len(per_task),
            "undecided": int(group["outcome"].isna().sum()),
            "error_rate": error_rate(group),
            "per_dollar": rate / cost if cost and cost > 0 else math.nan,
        }
    )


def conformance(units: pd.DataFrame, by: Sequence[str] = ("rule",), seed: int = 0) -> pd.DataFrame:
    """Conformance rate per group with a 95% bootstrap CI clustered by task.

    Args:
        units: :func:`rule_units` output.
        by: Grouping columns (``rule``, optionally ``model`` ...).
        seed: Bootstrap seed.

    Returns:
        Columns ``n, passes, rate, ci_low, ci_high, n_tasks, undecided, error_rate,
        per_dollar`` (``error_rate``: share of the group's (sample, rule) units that a
        grader error left without a verdict; ``per_dollar``: the rate divided by the mean
        candidate cost per sample in USD).
    """
    if units.empty:
        return pd.DataFrame(columns=[*by, "n", "passes", "rate", "ci_low", "ci_high"])
    out = units.groupby(list(by), observed=True, sort=True, dropna=False).apply(
        lambda g: _cluster_rate(g, seed), include_groups=False
    )
    return _ints(out.reset_index())


def _ints(frame: pd.DataFrame) -> pd.DataFrame:
    for col in ("n", "passes", "n_tasks", "undecided"):
        if col in frame:
            frame[col] = frame[col].astype("int64")
    return frame


def _all_pass_units(units: pd.DataFrame) -> pd.DataFrame:
    decided = units[units["outcome"].notna()]
    keys = [k for k in SAMPLE_KEYS if k != "sample_id"]
    per = decided.groupby("sample_id", sort=False).agg(outcome=("outcome", "min"))
    first = decided.drop_duplicates("sample_id").set_index("sample_id")[[*keys, "cost"]]
    return per.join(first).reset_index()


def all_rules_pass(units: pd.DataFrame, by: Sequence[str] = (), seed: int = 0) -> pd.DataFrame:
    """Share of samples on which every decided rule held, with a task-clustered CI."""
    per_sample = _all_pass_units(units)
    if per_sample.empty:
        return pd.DataFrame(
            [{"n": 0, "passes": 0, "rate": math.nan, "ci_low": math.nan, "ci_high": math.nan}]
        )
    if not by:
        return _ints(_cluster_rate(per_sample, seed).to_frame().T)
    return conformance(per_sample, by=by, seed=seed)


def pass_k(units: pd.DataFrame, k: int, by: Sequence[str] = ("rule",)) -> pd.DataFrame:
    """Unbiased pass@k and pass^k across epochs, averaged over task cells.

    A cell is one (model, task, variant, pressure) with ``n`` decided epochs of which
    ``c`` held; cells with ``n < k`` are left out. Returns ``pass_at_k``, ``pass_hat_k``
    and ``cells`` per group.
    """
    cell_keys = list(dict.fromkeys([*by, "model", "task", "variant", "pressure"]))
    decided = units[units["outcome"].notna()]
    cells = (
        decided.groupby(cell_keys, observed=True, dropna=False)["outcome"]
        .agg(["count", "sum"])
        .reset_index()
    )
    cells = cells[cells["count"] >= k]
    nc = list(zip(cells["count"].astype(int), cells["sum"].astype(int), strict=True))
    cells["at"] = [pass_at_k(n, c, k) for n, c in nc]
    cells["hat"] = [pass_hat_k(n, c, k) for n, c in nc]
    out = cells.groupby(list(by), observed=True, dropna=False).agg(
        pass_at_k=("at", "mean"), pass_hat_k=("hat", "mean"), cells=("at", "size")
    )
    return out.reset_index()


def verdict_counts(df: pd.DataFrame, by: Sequence[str] = ("rule",)) -> pd.DataFrame:
    """Raw grade-verdict counts per group: pass, fail, error, skipped, unscored, integrity."""
    graded = df[df["rule"].notna()]
    counts = pd.crosstab([graded[c] for c in by], graded["verdict"].astype("object"))
    for col in ("pass", "fail", "error", "skipped", "unscored"):
        if col not in counts:
            counts[col] = 0
    integrity = graded[graded["kind"] == "integrity"].groupby(list(by), observed=True).size()
    counts["integrity"] = integrity.reindex(counts.index, fill_value=0)
    return counts.reset_index()


def pressure_resistance(units: pd.DataFrame, by: Sequence[str] = ("pressure",)) -> pd.DataFrame:
    """Share of pressure-prompt samples on which the tempted rules still held.

    A pressure prompt names the rules it tempts (``task.yaml: pressure[].tempts``, carried
    on each sample); resistance is measured on those rules. Samples from logs that predate
    that field fall back to every decided rule. ``baseline_rate`` is the same model's rate
    on the same tasks and rules without pressure, so the drop the pressure causes shows.
    """
    decided = units[units["outcome"].notna()]
    pressured = decided[decided["pressure"].notna()]
    columns = [*by, "rules", "n", "held", "rate", "baseline_rate"]
    if pressured.empty:
        return pd.DataFrame(columns=columns)
    calm = decided[decided["pressure"].isna()]
    tempted_col = "tempted" in pressured and bool(pressured["tempted"].any())
    rows = []
    for key, group in pressured.groupby(list(by), observed=True):
        rules = sorted(set(group.loc[group["tempted"], "rule"])) if tempted_col else []
        held = group[group["rule"].isin(rules)] if rules else group
        per = held.groupby("sample_id", sort=False)["outcome"].min()
        same = calm[calm["task"].isin(group["task"]) & calm["model"].isin(group["model"])]
        if rules:
            same = same[same["rule"].isin(rules)]
        base = same.groupby("sample_id", sort=False)["outcome"].min()
        keyt = key if isinstance(key, tuple) else (key,)
        rows.append(
            {
                **dict(zip(by, keyt, strict=True)),
                "rules": ", ".join(rules) or "all graded rules",
                "n": len(per),
                "held": int(per.sum()),
                "rate": float(per.mean()),
                "baseline_rate": float(base.mean()) if len(base) else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def flaky(units: pd.DataFrame, across: str = "epoch") -> pd.DataFrame:
    """(model, task, variant, pressure, rule) cells whose outcome flips across ``across``.

    Args:
        units: :func:`rule_units` output (possibly of several runs).
        across: ``epoch`` (within runs) or ``run`` (across nights).

    Returns:
        One row per flaky cell with ``n``, ``passes`` and the ``flips`` count.
    """
    keys = ["model", "task", "variant", "pressure", "rule"]
    if across == "epoch":
        keys = ["run", *keys]
    decided = units[units["outcome"].notna()]
    order = ["run", "epoch"] if across == "run" else ["epoch"]
    decided = decided.sort_values(order)
    if across == "run":
        # One outcome per night: the rule held on every epoch of that run.
        decided = (
            decided.groupby([*keys, "run"], observed=True, dropna=False, sort=False)["outcome"]
            .min()
            .reset_index()
        )
    stats = flip_counts(decided, keys)
    return stats[(stats["passes"] > 0) & (stats["passes"] < stats["n"])].reset_index(drop=True)


def flip_counts(ordered: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per ``keys`` group: n, passes and the number of outcome changes in row order."""
    group = ordered.groupby(keys, observed=True, dropna=False, sort=False).ngroup().to_numpy()
    order = np.argsort(group, kind="stable")
    g, o = group[order], ordered["outcome"].to_numpy()[order]
    changed = np.zeros(len(o), dtype=np.int64)
    if len(o) > 1:
        changed[1:] = (o[1:] != o[:-1]) & (g[1:] == g[:-1])
    flagged = ordered.iloc[order].assign(flip=changed)
    return (
        flagged.groupby(keys, observed=True, dropna=False, sort=True)
        .agg(n=("outcome", "count"), passes=("outcome", "sum"), flips=("flip", "sum"))
        .reset_index()
    )
