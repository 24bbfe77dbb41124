"""Nightly trends: per-rule conformance over every run in a runs folder.

Runs are ordered by their manifest's ``started_at``. Each run is scanned and reduced
to small per-rule and per-cell summaries before the next is read, so memory does not
grow with the number or size of runs. A (model, task, variant, pressure, rule) cell is
*flaky across nights* when its nightly outcome (held on every epoch, or not) flipped
at least twice without being settled by a persona change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from evals.errors import RunLogError
from evals.persona import lineage
from reports import charts, metrics
from reports._render import render
from reports.baseline import read_baseline
from reports.frame import read_manifest, scan_run

__all__ = ["RunSummary", "discover_runs", "summarise_runs", "write_trend"]

_CELL = ["model", "task", "variant", "pressure", "rule"]


@dataclass
class RunSummary:
    """One night, reduced: per-rule conformance and per-cell outcomes."""

    name: str
    started_at: str
    persona_sha: str
    state: str
    conformance: pd.DataFrame
    allpass: float
    cells: pd.DataFrame
    #: The persona rules of the run (``Rule.to_dict()``), to follow rewordings across runs.
    rules: tuple[dict[str, Any], ...] = ()


def discover_runs(runs_dir: Path) -> list[Path]:
    """Run directories directly under ``runs_dir``, oldest first (by ``started_at``).

    Raises:
        RunLogError: ``runs_dir`` holds no run directory.
    """
    if not runs_dir.is_dir():
        raise RunLogError("not a directory; pass the folder holding your runs", path=runs_dir)
    found = [
        (read_manifest(p).started_at, p.name, p)
        for p in sorted(runs_dir.iterdir())
        if (p / "manifest.json").is_file()
    ]
    if not found:
        raise RunLogError(
            "holds no run directory (no */manifest.json); run `evals run "
            f"--out {runs_dir}/<name>` first",
            path=runs_dir,
        )
    return [p for _, _, p in sorted(found)]


def _summarise(path: Path) -> RunSummary:
    run = scan_run(path)
    units = metrics.rule_units(run.frame)
    decided = units[units["outcome"].notna()]
    cells = decided.groupby(_CELL, observed=True, dropna=False)["outcome"].min().reset_index()
    for col in _CELL:
        cells[col] = cells[col].astype("object")
    shas = ",".join(str(p.get("sha256", ""))[:8] for p in run.manifest.personas)
    return RunSummary(
        path.name,
        run.manifest.started_at,
        shas,
        run.manifest.state,
        metrics.conformance(units),
        float(metrics.all_rules_pass(units).iloc[0]["rate"]),
        cells,
        tuple(r for p in run.manifest.personas for r in p.get("rules") or ()),
    )


def summarise_runs(paths: list[Path]) -> list[RunSummary]:
    """Reduce each run in turn (oldest first).

    A rule reworded between runs (its id changed, see ``evals.persona.lineage``) is
    shown under its newest id, so its trend line continues.
    """
    summaries = [_summarise(p) for p in paths]
    for summary, renames in zip(summaries, lineage([s.rules for s in summaries]), strict=True):
        moved = {old: new for old, new in renames.items() if old != new}
        if moved:
            summary.conformance["rule"] = (
                summary.conformance["rule"].astype("object").replace(moved)
            )
            summary.cells["rule"] = summary.cells["rule"].astype("object").replace(moved)
    return summaries


def night_flaky(summaries: list[RunSummary]) -> pd.DataFrame:
    """Cells whose nightly outcome flipped at least twice (e.g. held, broke, held)."""
    if len(summaries) < 3:
        return pd.DataFrame(columns=[*_CELL, "nights", "flips"])
    frames = [s.cells.assign(night=i) for i, s in enumerate(summaries)]
    cells = pd.concat(frames, ignore_index=True).fillna({"variant": "", "pressure": ""})
    cells = cells.sort_values("night", kind="stable")
    stats = metrics.flip_counts(cells, _CELL).rename(columns={"n": "nights"})
    return stats[stats["flips"] >= 2].sort_values("flips", ascending=False).reset_index(drop=True)


def _context(runs_dir: Path, summaries: list[RunSummary]) -> dict[str, Any]:
    points = pd.concat(
        [s.conformance.assign(x=i, label=s.name) for i, s in enumerate(summaries)],
        ignore_index=True,
    )
    rules = sorted(points["rule"].unique())
    table = points.pivot_table(index="rule", columns="x", values="rate", aggfunc="first")
    flaky = night_flaky(summaries)
    base = read_baseline(runs_dir)
    return {
        "runs_dir": str(runs_dir),
        "runs": summaries,
        "rules": rules,
        "table": {
            r: [table.loc[r].get(i) if r in table.index else None for i in range(len(summaries))]
            for r in rules
        },
        "chart": charts.trend_lines(points) if len(points) else "",
        "flaky": flaky.head(200).to_dict("records"),
        "flaky_total": len(flaky),
        "baseline": base["run"] if base else None,
    }


def write_trend(
    runs_dir: str | Path, out: str | Path | None = None, last: int | None = None
) -> Path:
    """Write the trend HTML for the runs in ``runs_dir``; returns the file written.

    Args:
        runs_dir: Folder holding run directories.
        out: Output file; defaults to ``<runs_dir>/trend.html``.
        last: Only the most recent ``last`` runs.
    """
    folder = Path(runs_dir)
    paths = discover_runs(folder)
    if last is not None:
        paths = paths[-last:]
    summaries = summarise_runs(paths)
    target = Path(out) if out is not None else folder / "trend.html"
    target.write_text(render("trend.html.j2", **_context(folder, summaries)), encoding="utf-8")
    return target
