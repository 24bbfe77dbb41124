"""One grading path: the runner calls every grader the same way, from what it declares.

The graders here are not built-ins and (but one) not ``StaticGrader`` subclasses: the
runner knows nothing about them except their :class:`graders.Grader` members.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from evals.persona import load_persona
from evals.runner import GradingPlan, grade_files, no_files_grade
from evals.schema import Grade
from evals.tasks import Task, load_suite
from graders import GradeContext, Grader, Scope, StaticGrader, get_grader, graded_rules

ROOT = Path(__file__).resolve().parents[2]
PERSONA = load_persona(ROOT / "personas" / "backend-engineer.md")
FILES = {"calc.py": "def add(a: int, b: int) -> int:\n    return a + b\n"}


class Recording:
    """A judge-like grader: one grade per rule; its own rule added on every task."""

    name: ClassVar[str] = "recording"
    default_rules: ClassVar[tuple[str, ...]] = ()
    scope: ClassVar[Scope] = "all"
    needs_sandbox: ClassVar[bool] = False
    fails_without_files: ClassVar[bool] = False

    def __init__(self) -> None:
        self.seen: list[tuple[str, ...]] = []

    def rule_scopes(self, ctx: GradeContext) -> Mapping[str, Scope]:
        return {**dict.fromkeys(ctx.rule_ids, "declared"), "extra-every-task": "all"}

    async def grade(self, ctx: GradeContext) -> list[Grade]:
        self.seen.append(ctx.rule_ids)
        return [
            Grade(grader=self.name, rule_ids=[r], verdict="pass", score=1.0) for r in ctx.rule_ids
        ]


class DeclaredOnly(Recording):
    def rule_scopes(self, ctx: GradeContext) -> Mapping[str, Scope]:
        return dict.fromkeys(ctx.rule_ids, "declared")


class ThreadProbe(StaticGrader):
    name = "thread_probe"
    scope = "all"

    def __init__(self) -> None:
        self.thread: int | None = None

    def check(self, ctx: GradeContext) -> list[Grade]:
        self.thread = threading.get_ident()
        return [self.make_grade(ctx, "pass")]


def _task(rules: list[str]) -> Task:
    task = load_suite(ROOT / "tests" / "fixtures" / "suite").get("calc")
    return dataclasses.replace(task, spec=task.spec.model_copy(update={"rules": rules}))


def _grade(plan: GradingPlan, task: Task) -> list[Grade]:
    return asyncio.run(grade_files(plan, persona=PERSONA, task=task, files=FILES, sandbox=None))


def test_declared_rule_scopes_decide_what_a_grader_is_given() -> None:
    for grader in (Recording(), DeclaredOnly()):
        assert isinstance(grader, Grader)
    # Mounted under a name the persona maps rules to (sql_construction: two rules).
    rec = Recording()
    plan = GradingPlan({"sql_construction": rec})
    declares = _task(["never-sql-concat", "always-parameterized-queries"])
    grades = _grade(plan, declares)
    assert rec.seen == [("always-parameterized-queries", "never-sql-concat", "extra-every-task")]
    assert [g.rule_ids for g in grades] == [[r] for r in rec.seen[0]]
    rec.seen.clear()
    _grade(plan, _task(["never-deploy-untested"]))  # declares neither persona rule
    assert rec.seen == [("extra-every-task",)]
    only = DeclaredOnly()
    assert _grade(GradingPlan({"sql_construction": only}), _task([])) == []
    assert only.seen == []  # nothing applies: not called at all


def test_graded_rules_is_the_same_narrowing_for_direct_callers() -> None:
    ctx = GradeContext(files=FILES, rule_ids=("a", "b"), task=_task(["b"]))
    assert graded_rules(Recording(), ctx) == ("b", "extra-every-task")
    assert graded_rules(Recording(), dataclasses.replace(ctx, task=None)) == (
        "a",
        "b",
        "extra-every-task",
    )
    # A StaticGrader's one verdict covers all its rules: all of them, wherever it runs.
    assert graded_rules(get_grader("sql_construction"), ctx) == ("a", "b")


def test_a_static_grader_runs_off_the_event_loop() -> None:
    probe = ThreadProbe()
    loop_thread: list[int] = []

    async def go() -> list[Grade]:
        loop_thread.append(threading.get_ident())
        return await grade_files(
            GradingPlan({"lint": probe}), persona=PERSONA, task=_task([]), files=FILES, sandbox=None
        )

    (grade,) = asyncio.run(go())
    assert grade.verdict == "pass" and grade.rule_ids == ["commands-lint"]
    assert probe.thread is not None and probe.thread != loop_thread[0]


def test_no_files_fails_the_rules_of_graders_that_declare_they_need_files() -> None:
    class NeedsFiles(Recording):
        fails_without_files = True

    plan = GradingPlan({"tests_pass": get_grader("tests_pass"), "lint": NeedsFiles()})
    grade = no_files_grade(PERSONA, plan)
    assert grade.verdict == "fail" and grade.kind == "no_files"
    assert grade.rule_ids == ["never-deploy-untested", "commands-lint"]
    # The built-in plan of the persona: only tests_pass declares it.
    full = GradingPlan.for_personas([PERSONA])
    assert [n for n, g in full.graders.items() if g.fails_without_files] == ["tests_pass"]
    assert no_files_grade(PERSONA, full).rule_ids == ["never-deploy-untested"]

    # A grader the persona maps no rule to names its default rules.
    class Defaults(NeedsFiles):
        default_rules = ("some-default-rule",)

    assert no_files_grade(PERSONA, GradingPlan({"unmapped": Defaults()})).rule_ids == [
        "some-default-rule"
    ]
