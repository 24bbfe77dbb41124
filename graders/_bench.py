"""Time the static graders on one sample: per-grader and total milliseconds.

Each repeat grades a cold sample: the shared parse cache is cleared first, so the
figure is what one new sample costs (every tree parsed once, shared by the AST graders;
one ``ruff`` subprocess for ``lint``). One untimed warm-up run loads the modules.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from graders._ast_util import clear_caches
from graders._base import GradeContext, StaticGrader, get_grader

__all__ = ["BenchResult", "bench_static_graders"]


@dataclass
class BenchResult:
    """Median and p95 milliseconds per grader, and of the total per sample."""

    lines: int
    repeat: int
    per_grader_ms: dict[str, list[float]] = field(default_factory=dict)
    total_ms: list[float] = field(default_factory=list)
    verdicts: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def median(values: list[float]) -> float:
        return statistics.median(values) if values else 0.0

    @staticmethod
    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0.0


def bench_static_graders(
    files: Mapping[str, str], names: Sequence[str], repeat: int = 20
) -> BenchResult:
    """Grade ``files`` with each grader in ``names``, ``repeat`` times after a warm-up."""
    graders: dict[str, StaticGrader] = {}
    for name in names:
        grader = get_grader(name)
        if isinstance(grader, StaticGrader):
            graders[name] = grader
    contexts = {n: GradeContext(files=files, rule_ids=g.default_rules) for n, g in graders.items()}
    lines = sum(len(text.splitlines()) for text in files.values())
    result = BenchResult(lines=lines, repeat=repeat)
    for name, grader in graders.items():  # warm-up: imports, ruff binary in the page cache
        grades = grader.check(contexts[name])
        result.verdicts[name] = ",".join(sorted({g.verdict for g in grades}))
    for _ in range(repeat):
        clear_caches()
        total = 0.0
        for name, grader in graders.items():
            started = time.perf_counter()
            grader.check(contexts[name])
            ms = (time.perf_counter() - started) * 1000
            result.per_grader_ms.setdefault(name, []).append(ms)
            total += ms
        result.total_ms.append(total)
    return result
