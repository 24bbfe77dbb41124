"""Measure a grader against labelled examples: precision, recall and F1.

Examples live in ``<root>/<grader>/good/*.py`` (the rule holds: the grader must pass)
and ``<root>/<grader>/bad/*.py`` (the rule is broken: the grader must fail). A
"positive" is a violation, so precision is "of the samples flagged, how many were
really bad" and recall is "of the bad samples, how many were flagged". An ``error`` or
``skipped`` verdict counts as a wrong answer on either side: a grader that cannot
decide is not accurate.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from graders._base import GradeContext, Grader, get_grader

__all__ = ["Accuracy", "DEFAULT_EXAMPLES", "evaluate", "load_examples"]

DEFAULT_EXAMPLES = Path(__file__).resolve().parent.parent / "tests" / "graders" / "examples"


@dataclass
class Accuracy:
    grader: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    #: ``(label, path, verdict, reason)`` for every wrong answer.
    mistakes: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_examples(grader: str, root: Path = DEFAULT_EXAMPLES) -> list[tuple[str, Path]]:
    """``[(label, path)]`` with label ``good`` or ``bad``, sorted for stable output."""
    out: list[tuple[str, Path]] = []
    for label in ("good", "bad"):
        folder = root / grader / label
        if folder.is_dir():
            out.extend((label, p) for p in sorted(folder.iterdir()) if p.is_file())
    return out


def _context(grader: Grader, path: Path) -> GradeContext:
    return GradeContext(
        files={path.name: path.read_text(encoding="utf-8")},
        rule_ids=tuple(grader.default_rules),
    )


async def _evaluate(grader: Grader, examples: list[tuple[str, Path]]) -> Accuracy:
    acc = Accuracy(grader=grader.name)
    for label, path in examples:
        grades = await grader.grade(_context(grader, path))
        verdicts = {g.verdict for g in grades}
        flagged = "fail" in verdicts
        decided = flagged or verdicts == {"pass"}
        if label == "bad" and flagged:
            acc.tp += 1
            continue
        if label == "good" and decided and not flagged:
            acc.tn += 1
            continue
        if label == "bad":
            acc.fn += 1
        else:
            acc.fp += 1
        verdict = ",".join(sorted(verdicts)) or "none"
        reason = "; ".join(g.reason for g in grades if g.reason)[:200]
        acc.mistakes.append((label, str(path), verdict, reason))
    return acc


def evaluate(grader_name: str, root: Path = DEFAULT_EXAMPLES) -> Accuracy:
    """Run grader ``grader_name`` over its labelled examples under ``root``."""
    grader = get_grader(grader_name)
    return asyncio.run(_evaluate(grader, load_examples(grader_name, root)))
