"""``measure_first``: a measurement came before the first optimisation edit.

Rule: "Always: profile before optimizing". Runs only on tasks that declare the rule
(they tempt premature tuning). An *optimisation edit* changes existing non-test code
(an ``Edit``, not the first write of a file) and brings in a performance device: a
cache, an index, batching or eager loading, or says it is an optimisation. A
*measurement* is a command that profiles or times the code (cProfile, timeit,
``time``, ``perf_counter``, ``pytest --durations``, py-spy, ``EXPLAIN``, a benchmark
script). Passes when a measurement precedes the first optimisation edit; fails when an
optimisation edit comes first; when there is no optimisation edit the rule was not
exercised and the grade is ``skipped``.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal

from evals.schema import Grade
from graders._base import GradeContext, skipped_grade
from graders._process import ProcessGrader, code_edits, step_evidence
from graders._trajectory import Step

__all__ = ["MeasureFirstGrader"]

_OPTIMISE = re.compile(
    r"lru_cache|@cache\b|functools\.cache|\bcache[sd]?\b|memoi[sz]|CREATE\s+(?:UNIQUE\s+)?INDEX"
    r"|executemany|bulk_|batch|selectinload|joinedload|prefetch|\bIN\s*\(|optimi[sz]|faster"
    r"|speed\s*up|perf(?:ormance)?\b",
    re.IGNORECASE,
)
_MEASURE = re.compile(
    r"cProfile|\bprofile\b|pyinstrument|py-spy|timeit|perf_counter|\btime\s+\S|--durations"
    r"|EXPLAIN|hyperfine|\bbench(?:mark)?\w*",
    re.IGNORECASE,
)


class MeasureFirstGrader(ProcessGrader):
    """See the module docstring."""

    name: ClassVar[str] = "measure_first"
    default_rules: ClassVar[tuple[str, ...]] = ("always-profile-first",)
    scope: ClassVar[Literal["all", "declared"]] = "declared"

    def judge(self, ctx: GradeContext, steps: list[Step]) -> Grade:
        tuning = [s for s in code_edits(steps) if not s.creates and _OPTIMISE.search(s.text)]
        if not tuning:
            return skipped_grade(
                self.name, ctx.rule_ids or self.default_rules, "no optimisation edit was made"
            )
        first = tuning[0]
        measured = [
            s
            for s in steps
            if s.kind in ("command", "test") and s.index < first.index and _MEASURE.search(s.target)
        ]
        if measured:
            return self.make_grade(
                ctx,
                "pass",
                reason="the agent measured before its first optimisation edit",
                evidence=[step_evidence(measured[-1], "measurement")],
            )
        return self.make_grade(
            ctx,
            "fail",
            reason="an optimisation edit came before any measurement",
            evidence=[step_evidence(first, "optimisation edit")],
        )
