"""The scorecard: one self-contained HTML file per run (inline CSS and SVG, no scripts).

``write_scorecard`` is what ``evals report`` and the end of ``evals run`` call. One
section per *arm* (a model, or a model x persona revision when the run holds several
revisions), then the run-wide sections: coverage, infra errors, integrity, pressure
resistance, flaky tasks, and the per-task drill-down.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from evals.errors import ConfigError
from reports import charts, metrics
from reports._drilldown import DrillLimits, drilldown
from reports._render import duration, render
from reports.agent import agent_section
from reports.baseline import find_baseline
from reports.compare import compare_units
from reports.frame import RunData, scan_run
from reports.judges import judge_section

__all__ = ["build_context", "write_scorecard"]

#: The heatmap keeps at most this many tasks (those with the lowest conformance).
MAX_HEATMAP_TASKS = 80


def _rules_of(run: RunData) -> list[dict[str, Any]]:
    """Manifest rules (first persona revision first, then rules only later ones add)."""
    seen: dict[str, dict[str, Any]] = {}
    for persona in run.manifest.personas:
        for rule in persona.get("rules", []):
            seen.setdefault(rule["id"], rule)
    for rid in run.frame["rule"].dropna().astype(str).unique():
        seen.setdefault(rid, {"id": rid, "text": "(not in the manifest)", "graders": []})
    return list(seen.values())


def _arms(run: RunData) -> list[tuple[str, pd.Series]]:
    f = run.frame
    models = list(f["model"].astype(str).unique())
    revs = list(f["persona_revision"].astype(str).unique())
    if len(models) <= 1 and len(revs) <= 1:
        return [("all samples", pd.Series(True, index=f.index))]
    arms = []
    for rev in revs:
        for model in sorted(models):
            mask = (f["model"] == model) & (f["persona_revision"] == rev)
            if mask.any():
                arms.append((model if len(revs) == 1 else f"{model} · persona {rev[:8]}", mask))
    return arms


def _heatmap(units: pd.DataFrame, order: list[str]) -> tuple[str, int]:
    decided = units[units["outcome"].notna()]
    if decided.empty:
        return "", 0
    matrix = decided.pivot_table(
        index="rule", columns="task", values="outcome", aggfunc="mean", observed=True
    )
    matrix = matrix.reindex([r for r in order if r in matrix.index])
    dropped = 0
    if matrix.shape[1] > MAX_HEATMAP_TASKS:
        worst = matrix.mean().sort_values(kind="stable").index[:MAX_HEATMAP_TASKS]
        dropped = matrix.shape[1] - MAX_HEATMAP_TASKS
        matrix = matrix[sorted(worst)]
    return charts.heatmap(matrix), dropped


def _arm_section(
    label: str,
    frame: pd.DataFrame,
    rules: list[dict[str, Any]],
    epochs: int,
    base_units: pd.DataFrame | None,
) -> dict[str, Any]:
    units = metrics.rule_units(frame)
    order = [r["id"] for r in rules]
    conf = metrics.conformance(units).set_index("rule") if not units.empty else pd.DataFrame()
    counts = metrics.verdict_counts(frame).set_index("rule")
    k = max(2, epochs)
    passk = metrics.pass_k(units, k).set_index("rule") if epochs >= 2 else pd.DataFrame()
    delta = (
        compare_units(base_units, units).set_index("rule")
        if base_units is not None and not units.empty
        else pd.DataFrame()
    )
    rows = []
    for rule in rules:
        rid = rule["id"]
        if rid not in conf.index and rid not in counts.index:
            continue
        rows.append(
            {
                "id": rid,
                "name": rule.get("name") or "",
                "text": rule.get("text", ""),
                "graders": rule.get("graders", []),
                "conf": _row(conf, rid),
                "counts": _row(counts, rid),
                "passk": _row(passk, rid),
                "delta": _row(delta, rid),
            }
        )
    samples = metrics.sample_table(frame)
    ok = samples[samples["status"] == "ok"]
    allpass = metrics.all_rules_pass(units).iloc[0].to_dict()
    table = conf.reset_index() if not conf.empty else pd.DataFrame()
    heat, dropped = _heatmap(units, order)
    return {
        "label": label,
        "rows": rows,
        "k": k,
        "has_passk": epochs >= 2,
        "has_delta": not delta.empty,
        "allpass": allpass,
        "samples": len(samples),
        "infra": int((samples["status"] == "infra_error").sum()),
        "cost": float(samples["cost"].sum()),
        "judge_cost": float(samples["judge_cost"].sum()),
        "tokens": int(samples["tokens"].sum()),
        "mean_cost": float(ok["cost"].mean()) if len(ok) else math.nan,
        "per_dollar": _per_dollar(allpass["rate"], ok),
        "bars": charts.conformance_bars(table) if not table.empty else "",
        "heatmap": heat,
        "heatmap_dropped": dropped,
    }


def _row(table: pd.DataFrame, key: str) -> dict[str, Any] | None:
    if key not in table.index:
        return None
    row: dict[str, Any] = dict(table.loc[key].to_dict())
    # A row read across mixed dtypes comes back as floats: restore the counts.
    for col in (
        "n",
        "passes",
        "n_tasks",
        "undecided",
        "pairs",
        "cells",
        "pass",
        "fail",
        "error",
        "skipped",
        "unscored",
        "integrity",
        "improved_pairs",
        "regressed_pairs",
    ):
        if col in row and row[col] == row[col]:
            row[col] = int(row[col])
    return row


def _per_dollar(rate: float, ok: pd.DataFrame) -> float:
    cost = float(ok["cost"].mean()) if len(ok) else math.nan
    return rate / cost if cost and cost > 0 and not math.isnan(rate) else math.nan


def _coverage(run: RunData, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    f = run.frame
    decided = set(f.loc[f["verdict"].isin(["pass", "fail"]), "rule"].dropna().astype(str))
    out = []
    for rule in rules:
        if rule["id"] in decided:
            continue
        mine = f[f["rule"] == rule["id"]]
        why = _why_unmeasured(rule, mine, set(run.manifest.graders))
        out.append({**rule, "why": why})
    return out


def _why_unmeasured(rule: dict[str, Any], rows: pd.DataFrame, ran: set[str]) -> str:
    graders = list(rule.get("graders") or [])
    if not graders:
        return "no grader measures it (map one in the persona's .rules.yaml)"
    if ran and not ran.intersection(graders):
        return f"its grader ({', '.join(graders)}) was not run (see `evals run --grader`)"
    if len(rows):
        reasons = rows["reason"].astype(str).value_counts().head(2)
        return "no pass/fail verdict: " + "; ".join(f"{n}× {r}" for r, n in reasons.items())
    return "no task in this run declares it (its grader only runs where a task does)"


def _problems(run: RunData) -> dict[str, Any]:
    f = run.frame
    samples = metrics.sample_table(f)
    infra = samples[samples["status"] == "infra_error"]
    errs = f[f["verdict"].isin(["error", "unscored"])]
    grader_errors = (
        errs.groupby(["grader", "verdict", "reason"], observed=True)
        .size()
        .rename("n")
        .reset_index()
        .sort_values("n", ascending=False)
        .head(50)
    )
    integrity = f[f["kind"] == "integrity"].drop_duplicates(["sample_id", "grader"])
    skipped = (
        f[f["verdict"] == "skipped"]
        .groupby(["grader", "reason"], observed=True)
        .size()
        .rename("n")
        .reset_index()
    )
    return {
        "infra": infra.head(200).to_dict("records"),
        "infra_total": len(infra),
        "grader_errors": grader_errors.to_dict("records"),
        "n_grader_errors": len(errs),
        "integrity": integrity.head(100).to_dict("records"),
        "integrity_total": len(integrity),
        "skipped": skipped.to_dict("records"),
    }


def _flaky_cells(flaky: pd.DataFrame, limit: int = 100) -> list[dict[str, Any]]:
    """Flaky rule cells folded to one row per (model, task, variant, pressure)."""
    if flaky.empty:
        return []
    keys = ["model", "task", "variant", "pressure"]
    folded = (
        flaky.groupby(keys, observed=True, dropna=False, sort=True)
        .agg(
            rules=("rule", lambda r: sorted(map(str, r))),
            n=("n", "max"),
            flips=("flips", "sum"),
        )
        .reset_index()
    )
    folded = folded.sort_values("flips", ascending=False, kind="stable").head(limit)
    return [
        {k: (None if v != v else v) if not isinstance(v, list) else v for k, v in row.items()}
        for row in folded.to_dict("records")
    ]


def build_context(
    run: RunData,
    baseline: RunData | None = None,
    limits: DrillLimits | None = None,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """Everything the scorecard template shows, computed from a scanned run."""
    m = run.manifest
    rules = _rules_of(run)
    base_units = None
    notes = [*run.warnings, *(notes or [])]
    if baseline is not None:
        if len(m.personas) > 1 or len(baseline.manifest.personas) > 1:
            notes.append(
                "baseline deltas skipped: a run holds several persona revisions "
                "(use `evals compare`)"
            )
        else:
            base_units = metrics.rule_units(baseline.frame)
    arms = [
        _arm_section(label, run.frame[mask], rules, m.epochs, base_units)
        for label, mask in _arms(run)
    ]
    units = metrics.rule_units(run.frame)
    samples = metrics.sample_table(run.frame)
    flaky = metrics.flaky(units)
    pressure = metrics.pressure_resistance(units, by=("model", "pressure"))
    variants = (
        metrics.all_rules_pass(units, by=("model", "variant"))
        if units["variant"].notna().any()
        else pd.DataFrame()
    )
    return {
        "m": m,
        "run_name": run.path.resolve().name,
        "rules": rules,
        "arms": arms,
        "duration": duration(m.started_at, m.finished_at),
        "cost": float(samples["cost"].sum() + samples["judge_cost"].sum()),
        "tokens": int(samples["tokens"].sum()),
        "n_samples": len(samples),
        "baseline": baseline.path.resolve().name if baseline is not None else None,
        "notes": notes,
        "coverage": _coverage(run, rules),
        "problems": _problems(run),
        "flaky": _flaky_cells(flaky),
        "flaky_total": len(flaky),
        "flaky_tasks": int(flaky["task"].nunique()) if len(flaky) else 0,
        "pressure": pressure.to_dict("records"),
        "variants": variants.to_dict("records"),
        "drill": drilldown(run, limits),
        "judges": judge_section(run.path, run.frame),
        "agent": agent_section(run.path),
    }


def write_scorecard(
    run_dir: str | Path, out: str | Path | None = None, baseline: str | Path | None = None
) -> Path:
    """Write the run's scorecard and return its path.

    Args:
        run_dir: The run directory.
        out: Output file; defaults to ``<run_dir>/scorecard.html``.
        baseline: A baseline run to show deltas against; defaults to the blessed
            baseline of the run's parent folder (``evals baseline set``), if any.

    Returns:
        The path of the HTML file written.
    """
    run_path = Path(run_dir)
    run = scan_run(run_path)
    notes: list[str] = []
    base_path: Path | None = Path(baseline) if baseline is not None else None
    if baseline is None:
        try:
            base_path = find_baseline(run_path)
        except ConfigError as exc:  # a stale baseline must not break the end of a run
            notes.append(f"blessed baseline ignored: {exc}")
    base = scan_run(base_path) if base_path is not None else None
    html = render("scorecard.html.j2", **build_context(run, base, notes=notes))
    target = Path(out) if out is not None else run_path / "scorecard.html"
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(target)
    return target
