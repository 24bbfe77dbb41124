"""``lint_run``: the agent ran ``ruff check`` on its final code.

Rule (Commands): "Linting: ``ruff check .``". Passes when a shell command running
``ruff check`` comes after the last edit of a Python file; fails when ruff never ran, or
ran only before later edits.
"""

from __future__ import annotations

import re
from typing import ClassVar

from evals.schema import Grade
from graders._base import GradeContext
from graders._process import ProcessGrader, step_evidence
from graders._trajectory import Step

__all__ = ["LintRunGrader"]

_RUFF = re.compile(r"\bruff(?:\s+check\b|\s+\.(?:\s|$))")


class LintRunGrader(ProcessGrader):
    """See the module docstring."""

    name: ClassVar[str] = "lint_run"
    default_rules: ClassVar[tuple[str, ...]] = ("commands-lint",)

    def judge(self, ctx: GradeContext, steps: list[Step]) -> Grade:
        edits = [s for s in steps if s.kind == "edit" and s.target.endswith(".py")]
        after = edits[-1].index if edits else -1
        runs = [s for s in steps if s.kind in ("command", "test") and _RUFF.search(s.target)]
        final = [s for s in runs if s.index > after]
        if final:
            return self.make_grade(
                ctx,
                "pass",
                reason="ruff check ran after the last code edit",
                evidence=[step_evidence(final[-1], "ruff check")],
            )
        reason = "ruff check ran only before later code edits" if runs else "ruff never ran"
        return self.make_grade(ctx, "fail", reason=reason)
