"""``tests_first``: the agent wrote tests before or alongside the implementation.

Rule: "Always: write tests before or alongside implementation". Passes when some test
file was written no later than the *last* edit of non-test code (tests came first, or
were interleaved with the implementation); fails when no test was written, or every test
edit came only after the implementation was finished.
"""

from __future__ import annotations

from typing import ClassVar

from evals.schema import Grade
from graders._base import GradeContext
from graders._process import ProcessGrader, code_edits, step_evidence
from graders._trajectory import Step, is_test_path

__all__ = ["TestsFirstGrader"]


class TestsFirstGrader(ProcessGrader):
    """See the module docstring."""

    name: ClassVar[str] = "tests_first"
    default_rules: ClassVar[tuple[str, ...]] = ("always-write-tests",)

    def judge(self, ctx: GradeContext, steps: list[Step]) -> Grade:
        tests = [s for s in steps if s.kind == "edit" and is_test_path(s.target)]
        code = code_edits(steps)
        if not tests:
            return self.make_grade(ctx, "fail", reason="the agent never wrote a test file")
        if not code or tests[0].index <= code[-1].index:
            return self.make_grade(
                ctx,
                "pass",
                reason="tests were written before or alongside the implementation",
                evidence=[step_evidence(tests[0], "first test edit")],
            )
        return self.make_grade(
            ctx,
            "fail",
            reason="tests were written only after the implementation was finished",
            evidence=[
                step_evidence(code[-1], "last implementation edit"),
                step_evidence(tests[0], "first test edit"),
            ],
        )
