"""Base of the process graders: rules about what an agent *did*, read from its trajectory.

A process grader needs a trajectory (agent samples); on a single-turn sample it returns
no grade at all, so single-turn runs keep exactly their old rows. Each subclass
implements :meth:`judge` on the normalised steps of :mod:`graders._trajectory`.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from evals.schema import Evidence, Grade
from graders._base import GradeContext, StaticGrader
from graders._trajectory import Step, steps_of

__all__ = ["ProcessGrader", "code_edits", "step_evidence"]


def code_edits(steps: list[Step]) -> list[Step]:
    """Edits of Python files that are not tests."""
    from graders._trajectory import is_test_path

    return [
        s
        for s in steps
        if s.kind == "edit" and s.target.endswith(".py") and not is_test_path(s.target)
    ]


def step_evidence(step: Step, message: str) -> Evidence:
    """Evidence pointing at one step of the trajectory (its index and what it touched)."""
    return Evidence(message=f"step {step.index}: {message}", snippet=step.target[:300] or None)


class ProcessGrader(StaticGrader):
    """See the module docstring."""

    scope: ClassVar[Literal["all", "declared"]] = "all"

    def check(self, ctx: GradeContext) -> list[Grade]:
        if ctx.trajectory is None:
            return []
        grade = self.judge(ctx, steps_of(ctx.trajectory))
        grade.metadata["process"] = True  # reports show process rules beside code rules
        grade.kind = grade.kind or "process"
        return [grade]

    def judge(self, ctx: GradeContext, steps: list[Step]) -> Grade:
        raise NotImplementedError
