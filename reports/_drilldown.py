"""Per-task drill-down: which samples to show in full, and how to show them.

A 10,000-sample run cannot be shown whole, so the drill-down is capped: per task, the
samples with the most failures first (integrity failures before all), at most
``per_task`` of them, and at most ``max_samples`` in all. Those few samples are re-read
from ``samples.jsonl`` by offset; everything else stays in the frame. Outputs and files
are truncated, but a line cited by evidence is always shown and highlighted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from evals.schema import Grade, Sample
from reports.agent import timelines
from reports.frame import RunData, read_sample

__all__ = ["DrillLimits", "drilldown"]


@dataclass(frozen=True)
class DrillLimits:
    """Caps that keep the scorecard small on big runs."""

    per_task: int = 3
    max_samples: int = 300
    max_tasks: int = 200
    output_chars: int = 6000
    file_lines: int = 200
    context: int = 3


@dataclass
class _Line:
    no: int
    text: str
    hit: bool = False
    notes: list[str] = field(default_factory=list)
    gap: bool = False


def _pick(frame: pd.DataFrame, limits: DrillLimits) -> dict[str, list[str]]:
    ok = frame[frame["status"] == "ok"]
    bad = (
        ok.assign(
            fails=(ok["verdict"] == "fail").astype(int),
            integrity=(ok["kind"] == "integrity").astype(int),
        )
        .groupby(["task", "sample_id"], observed=True)[["fails", "integrity"]]
        .sum()
        .reset_index()
    )
    bad = bad.sort_values(
        ["task", "integrity", "fails", "sample_id"], ascending=[True, False, False, True]
    )
    # Under the caps, the tasks with the most failures come first; shown in task order.
    worst = (
        bad.groupby("task", observed=True)["fails"]
        .sum()
        .sort_values(ascending=False, kind="stable")
    )
    groups = {str(t): g for t, g in bad.groupby("task", observed=True, sort=False)}
    picked: dict[str, list[str]] = {}
    total = 0
    for task in worst.index.astype(str):
        if len(picked) >= limits.max_tasks or total >= limits.max_samples:
            break
        ids = list(groups[task]["sample_id"].astype(str))[: limits.per_task]
        picked[task] = ids
        total += len(ids)
    return dict(sorted(picked.items()))


def _file_view(path: str, text: str, grades: list[Grade], limits: DrillLimits) -> dict[str, Any]:
    raw = text.splitlines()
    notes: dict[int, list[str]] = {}
    for g in grades:
        for ev in g.evidence:
            if ev.file == path and ev.line:
                notes.setdefault(ev.line, []).append(f"{g.grader}: {ev.message}")
    keep = set(range(1, min(len(raw), limits.file_lines) + 1))
    for hit in notes:
        keep |= set(range(max(1, hit - limits.context), hit + limits.context + 1))
    lines: list[_Line] = []
    prev = 0
    for no in sorted(n for n in keep if n <= len(raw)):
        lines.append(_Line(no, raw[no - 1], no in notes, notes.get(no, []), gap=no != prev + 1))
        prev = no
    return {
        "path": path,
        "lines": lines,
        "total": len(raw),
        "hits": len(notes),
        "cut": len(raw) - len(lines),
    }


def _marked_output(output: str, quotes: list[str], limit: int) -> Markup:
    """Escaped output with judge quotes wrapped in ``<mark>``, truncated to ``limit``."""
    text = output[:limit]
    html = str(escape(text))
    for quote in sorted({q for q in quotes if q}, key=len, reverse=True):
        q = str(escape(quote))
        if q in html:
            html = html.replace(q, f"<mark>{q}</mark>")
    if len(output) > limit:
        html += f"\n… ({len(output) - limit:,} more characters not shown)"
    return Markup(html)


def _sample_view(s: Sample, limits: DrillLimits) -> dict[str, Any]:
    quotes = [ev.quote for g in s.grades for ev in g.evidence if ev.quote]
    order = {"fail": 0, "error": 1, "unscored": 2, "skipped": 3, "pass": 4}
    grades = sorted(s.grades, key=lambda g: (g.kind != "integrity", order[g.verdict], g.grader))
    return {
        "id": s.sample_id,
        "model": s.model,
        "epoch": s.epoch,
        "variant": s.variant,
        "pressure": s.pressure,
        "persona_sha": s.persona_sha[:8],
        "prompt": s.prompt[: limits.output_chars],
        "output": _marked_output(s.output, quotes, limits.output_chars),
        "files": [_file_view(p, t, s.grades, limits) for p, t in sorted(s.files.items())],
        "notes": s.extraction_notes,
        "grades": grades,
        "fails": sum(g.verdict == "fail" for g in s.grades),
        "tokens": s.usage.total_tokens,
        "cost": s.cost_usd,
        "latency": s.latency_s,
        "agent": s.agent,
        "timeline": [],
    }


def drilldown(run: RunData, limits: DrillLimits | None = None) -> dict[str, Any]:
    """The drill-down context: ``tasks`` (task id -> sample views) and what was left out.

    Args:
        run: A scanned run.
        limits: Caps; defaults to :class:`DrillLimits()`.
    """
    limits = limits or DrillLimits()
    picked = _pick(run.frame, limits)
    counts = run.frame.drop_duplicates("sample_id").groupby("task", observed=True).size()
    tasks = []
    shown: list[dict[str, Any]] = []
    for task, ids in picked.items():
        views = [_sample_view(read_sample(run, sid), limits) for sid in ids]
        shown += views
        tasks.append(
            {
                "task": task,
                "samples": views,
                "total": int(counts.get(task, 0)),
                "fails": sum(v["fails"] for v in views),
            }
        )
    wanted = {v["id"]: str(v["agent"].get("attempt")) for v in shown if v["agent"]}
    steps = timelines(run.path, wanted)  # one read of trajectories.jsonl
    for view in shown:
        view["timeline"] = steps.get(view["id"], [])
    all_tasks = int(run.frame["task"].nunique())
    return {"tasks": tasks, "hidden_tasks": all_tasks - len(tasks), "limits": limits}
