"""The grading stage: run every applicable grader on one sample's files.

One path for every grader, rule graders and judges alike, driven only by what the
grader declares (:class:`graders.Grader`):

1. the persona maps rules to the grader (none: it does not run);
2. ``scope = "declared"``: it runs only where the task declares one of those rules, or
   tempts a behaviour it measures (:meth:`_TaskView.runs`);
3. :func:`graders.graded_rules` narrows the rules by the grader's ``rule_scopes``;
4. ``await grader.grade(ctx)``, concurrently with the others.

An answer with no files calls no grader: :func:`no_files_grade` fails the rules of the
graders declaring ``fails_without_files``. A grader that raises is recorded as an
``error`` grade (infrastructure), never as a model failure.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evals.errors import GraderError
from evals.persona import Persona, tempted_behaviours, tempted_rules
from evals.sandbox._queue import queue_clock
from evals.schema import Grade
from evals.tasks import Task
from evals.timings import stamp
from graders import (
    GradeContext,
    Grader,
    Services,
    error_grade,
    get_grader,
    graded_rules,
    grader_names,
)

if TYPE_CHECKING:
    from evals.sandbox import Sandbox

__all__ = ["GradingPlan", "grade_files", "no_files_grade"]


@functools.cache
def _measures() -> dict[str, tuple[str, ...]]:
    from graders.behaviours import measures

    return measures()


@dataclass
class GradingPlan:
    """The graders of one run, instantiated once, with their options."""

    graders: dict[str, Grader]
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    services: Services = field(default_factory=Services)

    @classmethod
    def for_personas(
        cls,
        personas: Sequence[Persona],
        only: Sequence[str] = (),
        options: Mapping[str, Mapping[str, Any]] | None = None,
        services: Services | None = None,
    ) -> GradingPlan:
        names = sorted({g for p in personas for g in p.graders()})
        if only:
            _check_only(only, names, personas)
            names = [n for n in names if n in set(only)]
        merged = {name: dict(value) for name, value in (options or {}).items()}
        if "judge" in names:  # foreign rules reach the judge with their own text
            judge = merged.setdefault("judge", {})
            judge["rules"] = {**_judge_rubrics(personas), **dict(judge.get("rules") or {})}
        return cls({n: get_grader(n) for n in names}, merged, services or Services())


def _judge_rubrics(personas: Sequence[Persona]) -> dict[str, Any]:
    from evals.persona import BEHAVIOURS
    from graders.behaviours import judge_rule_options

    rubric_of = {b.id: b.rubric for b in BEHAVIOURS}
    rules = [
        (r.id, r.text, r.behaviours) for p in personas for r in p.rules if "judge" in r.graders
    ]
    return judge_rule_options(rules, rubric_of=rubric_of)


def for_persona(task: Task, persona: Persona) -> Task:
    """``task`` as ``persona`` sees it: its ``rules`` extended by the rules it tempts."""
    rules = tempted_rules(persona, task.spec.rules)
    if len(rules) == len(task.spec.rules):
        return task
    return dataclasses.replace(task, spec=task.spec.model_copy(update={"rules": list(rules)}))


def _check_only(only: Sequence[str], names: list[str], personas: Sequence[Persona]) -> None:
    """``--grader`` names must exist and measure a rule of the personas."""
    known = set(grader_names())
    for name in only:
        if name not in known:
            raise GraderError(
                f"unknown grader {name!r}; known: {', '.join(sorted(known))}", field="--grader"
            )
        if name not in names:
            raise GraderError(
                f"grader {name!r} measures no rule of persona "
                f"{', '.join(p.name for p in personas)}, so it would record nothing "
                f"(its graders: {', '.join(names) or 'none'})",
                field="--grader",
            )


@dataclass(frozen=True)
class _TaskView:
    """One task as one persona sees it."""

    declared: frozenset[str]  # task.yaml rules
    seen: Task  # declared + the rules the task tempts for the persona
    tempted: frozenset[str]  # behaviours the task tempts

    @classmethod
    def of(cls, task: Task, persona: Persona) -> _TaskView:
        declared = task.spec.rules
        tempted = tempted_behaviours(persona, declared)
        return cls(frozenset(declared), for_persona(task, persona), frozenset(tempted))

    def runs(self, name: str, grader: Grader, rule_ids: tuple[str, ...]) -> bool:
        """Whether a grader measuring ``rule_ids`` runs on this task (its ``scope``)."""
        if grader.scope == "all":
            return True
        if not set(rule_ids) & set(self.seen.spec.rules):
            return False
        # A rule tempted for one behaviour is not graded here by a grader of another one.
        return bool(set(rule_ids) & self.declared or set(_measures().get(name, ())) & self.tempted)


async def _run_one(grader: Grader, ctx: GradeContext) -> list[Grade]:
    """Run one grader; its ``duration_s`` is its own run: the time all its sandbox calls
    only waited for a busy worker is left out (``metadata["queued_s"]`` when any)."""
    started = time.perf_counter()
    with queue_clock() as clock:
        try:
            grades = await grader.grade(ctx)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a crashing grader is infrastructure, not a model failure
            reason = f"grader crashed: {type(exc).__name__}: {exc}".splitlines()[0][:300]
            grades = [error_grade(grader.name, ctx.rule_ids or grader.default_rules, reason)]
    queued = clock.queued_s
    elapsed = time.perf_counter() - started - queued
    for grade in grades:
        if grade.duration_s is None:
            grade.duration_s = elapsed
        if queued >= 0.0005:
            grade.metadata.setdefault("queued_s", round(queued, 3))
    stamp("grade", grader=grader.name, duration_s=round(elapsed, 4), queued_s=round(queued, 4))
    return grades


def no_files_grade(persona: Persona, plan: GradingPlan) -> Grade:
    """An answer with no extractable files fails, visibly, the rules of the plan's graders
    that declare ``fails_without_files`` (the persona's, else the grader's defaults)."""
    rule_ids = [
        rid
        for name, grader in plan.graders.items()
        if grader.fails_without_files
        for rid in persona.rules_for_grader(name) or grader.default_rules
    ]
    return Grade(
        grader="extraction",
        rule_ids=list(dict.fromkeys(rule_ids)),
        verdict="fail",
        score=0.0,
        reason="the answer contained no files in the output contract",
        kind="no_files",
    )


async def grade_files(
    plan: GradingPlan,
    *,
    persona: Persona,
    task: Task,
    files: Mapping[str, str],
    sandbox: Sandbox | None,
    output: str = "",
    prompt: str = "",
    trajectory: Any = None,
) -> list[Grade]:
    """Run every applicable grader concurrently and return their grades in name order."""
    view = _TaskView.of(task, persona)
    jobs = []
    for name, grader in plan.graders.items():
        rule_ids = persona.rules_for_grader(name)
        if not rule_ids or not view.runs(name, grader, rule_ids):
            continue
        ctx = GradeContext(
            files=files,
            rule_ids=rule_ids,
            task=view.seen,
            sandbox=sandbox if grader.needs_sandbox else None,
            options=plan.options.get(name, {}),
            output=output,
            prompt=prompt,
            services=plan.services,
            trajectory=trajectory,
        )
        graded = graded_rules(grader, ctx)
        if graded:
            jobs.append(_run_one(grader, dataclasses.replace(ctx, rule_ids=graded)))
    results = await asyncio.gather(*jobs)
    return [g for grades in results for g in grades]
