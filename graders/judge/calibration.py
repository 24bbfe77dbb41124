"""Calibrate a judge against the labelled set: κ, confusion matrix, per-rule agreement."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evals.errors import ConfigError
from evals.providers import Provider
from graders.judge._call import judge_rules
from graders.judge._rubric import rubric_for
from graders.judge._stats import Kappa, cohen_kappa, confusion, per_rule
from graders.judge.labels import LabelItem

__all__ = ["VERDICT_ORDER", "CalibrationReport", "calibrate", "task_prompt"]

#: Row/column order of the confusion matrix; ``unscored``/``error`` never match a label.
VERDICT_ORDER = ("pass", "fail", "not_applicable", "unscored", "split", "error")


@dataclass
class CalibrationReport:
    """The judge's verdicts beside the labels, and how well they agree."""

    judge: str
    frame: pd.DataFrame
    kappa: Kappa
    confusion: pd.DataFrame
    per_rule: pd.DataFrame
    cost_usd: float
    labels_sha: str

    @property
    def coverage(self) -> float:
        """Share of items the judge decided (pass/fail/not_applicable)."""
        decided = self.frame["judge"].isin(["pass", "fail", "not_applicable"])
        return float(decided.mean()) if len(self.frame) else 0.0

    def entry(self) -> dict[str, object]:
        """What ``--save`` stores for this judge."""
        return {
            "kappa": round(self.kappa.kappa, 4),
            "ci95": [round(self.kappa.low, 4), round(self.kappa.high, 4)],
            "n": self.kappa.n,
            "coverage": round(self.coverage, 4),
            "labels_sha": self.labels_sha,
        }


def task_prompt(task_id: str | None, suite: Path) -> str:
    """The raw prompt of ``task_id`` in ``suite`` (empty when unknown)."""
    if not task_id:
        return ""
    path = suite / task_id / "prompt.md"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def labels_digest(items: Sequence[LabelItem]) -> str:
    h = hashlib.sha256()
    for item in items:
        h.update(item.model_dump_json().encode())
    return h.hexdigest()[:16]


async def calibrate(
    items: Sequence[LabelItem],
    provider: Provider,
    judge: str,
    *,
    suite: Path = Path("tasks"),
    samples: int = 1,
    concurrency: int = 8,
) -> CalibrationReport:
    """Judge every labelled item (one rule each) and compare with the human verdicts."""
    missing = sorted({i.rule for i in items if rubric_for(i.rule) is None})
    if missing:
        raise ConfigError(
            f"no rubric for rule(s) {', '.join(missing)}; add them to graders/judge/rubrics.yaml",
            field="rule",
        )
    gate = asyncio.Semaphore(concurrency)

    async def one(item: LabelItem) -> dict[str, object]:
        rubric = rubric_for(item.rule)
        assert rubric is not None
        async with gate:
            outcome = await judge_rules(
                provider, judge, [rubric], task_prompt(item.task, suite), item.files, samples
            )
        result = outcome.results[item.rule]
        return {
            "id": item.id,
            "rule": item.rule,
            "human": item.verdict,
            "judge": result.verdict,
            "reason": result.reason,
            "quote": result.winner.quote if result.winner else "",
            "cost_usd": outcome.cost_usd,
        }

    rows = await asyncio.gather(*(one(i) for i in items))
    frame = pd.DataFrame(rows)
    human, verdicts = list(frame["human"]), list(frame["judge"])
    return CalibrationReport(
        judge=judge,
        frame=frame,
        kappa=cohen_kappa(human, verdicts),
        confusion=confusion(human, verdicts, VERDICT_ORDER),
        per_rule=per_rule(frame),
        cost_usd=float(frame["cost_usd"].sum()),
        labels_sha=labels_digest(items),
    )
