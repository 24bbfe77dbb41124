"""Pairwise comparison of two runs (two persona revisions) on judge rules."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from evals.errors import ConfigError
from evals.log import read_samples
from evals.providers import Provider
from evals.schema import Sample
from graders.judge._rubric import rubric_for
from graders.judge.pairwise import PairwiseResult, compare_pair, inconsistency_rate

__all__ = ["DEFAULT_PAIR_RULES", "compare_runs", "pair_samples"]

DEFAULT_PAIR_RULES = ("principle-readability", "principle-fail-fast", "principle-security-first")


def _key(s: Sample) -> tuple[str, str, int, str | None]:
    return (s.task_id, s.model, s.epoch, s.pressure)


def _text(s: Sample) -> str:
    if not s.files:
        return s.output
    return "\n\n".join(f"# file: {path}\n{text}" for path, text in sorted(s.files.items()))


def pair_samples(a: Sequence[Sample], b: Sequence[Sample]) -> list[tuple[Sample, Sample]]:
    """Samples of the same task, model, epoch and pressure in both runs (ok ones only)."""
    right = {_key(s): s for s in b if s.status == "ok"}
    return [(s, right[_key(s)]) for s in a if s.status == "ok" and _key(s) in right]


async def compare_runs(
    provider: Provider,
    judge: str,
    run_a: Path,
    run_b: Path,
    rules: Sequence[str] = (),
    limit: int = 50,
) -> tuple[pd.DataFrame, float]:
    """Per-rule wins/ties/inconsistent counts, and the overall inconsistency rate."""
    pairs = pair_samples(read_samples(run_a), read_samples(run_b))[:limit]
    if not pairs:
        raise ConfigError(f"no sample of {run_a} has a counterpart in {run_b}", path=run_b)
    rubrics = []
    for rid in rules or DEFAULT_PAIR_RULES:
        rubric = rubric_for(rid)
        if rubric is None:
            raise ConfigError(f"no rubric for {rid}", field="--rule")
        rubrics.append(rubric)
    jobs = [
        compare_pair(provider, r, a.prompt, _text(a), _text(b), model=judge)
        for a, b in pairs
        for r in rubrics
    ]
    results: list[PairwiseResult] = list(await asyncio.gather(*jobs))
    rows = []
    for r in rubrics:
        mine = [x for x in results if x.rule_id == r.id]
        counts = {
            v: sum(x.verdict == v for x in mine)
            for v in ("A", "B", "tie", "inconsistent", "invalid")
        }
        rows.append(
            {"rule": r.id, "pairs": len(mine), **counts, "inconsistency": inconsistency_rate(mine)}
        )
    return pd.DataFrame(rows), inconsistency_rate(results)
