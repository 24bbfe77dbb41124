"""The grading stage: run every applicable grader on one sample's files.

Which graders run comes from the persona (its rule → grader map); a grader with
``scope = "declared"`` runs only on tasks that declare one of its rules. A grader that
raises is recorded as an ``error`` grade (infrastructure), never as a model failure.
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
from evals.schema import Grade
from evals.tasks import Task
from graders import GradeContext, Grader, Services, error_grade, get_grader, grader_names

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


def _applies(grader: Grader, rule_ids: tuple[str, ...], task: Task | None) -> bool:
    if grader.scope == "all" or task is None:
        return True
    return bool(set(rule_ids) & set(task.spec.rules))


async def _run_one(grader: Grader, ctx: GradeContext) -> list[Grade]:
    started = time.perf_counter()
    try:
        check = getattr(grader, "check", None)
        if callable(check):
            grades: list[Grade] = await asyncio.to_thread(check, ctx)
        else:
            grades = await grader.grade(ctx)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a crashing grader is infrastructure, not a model failure
        reason = f"grader crashed: {type(exc).__name__}: {exc}".splitlines()[0][:300]
        grades = [error_grade(grader.name, ctx.rule_ids or grader.default_rules, reason)]
    elapsed = time.perf_counter() - started
    for grade in grades:
        if grade.duration_s is None:
            grade.duration_s = elapsed
    return grades


def no_files_grade(persona: Persona) -> Grade:
    """An answer with no extractable files fails the hidden-tests rule, visibly."""
    rule_ids = list(persona.rules_for_grader("tests_pass")) or ["never-deploy-untested"]
    return Grade(
        grader="extraction",
        rule_ids=rule_ids,
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
    declared = task.spec.rules
    tempted = tempted_behaviours(persona, declared)
    task = for_persona(task, persona)
    jobs = []
    for name, grader in plan.graders.items():
        rule_ids = persona.rules_for_grader(name)
        if not rule_ids or not _applies(grader, rule_ids, task):
            continue
        # A rule tempted for one behaviour is not graded here by a grader of another one.
        own = set(rule_ids) & set(declared) or set(_measures().get(name, ())) & tempted
        if grader.scope == "declared" and name != "judge" and not own:
            continue
        ctx = GradeContext(
            files=files,
            rule_ids=rule_ids,
            task=task,
            sandbox=sandbox if grader.needs_sandbox else None,
            options=plan.options.get(name, {}),
            output=output,
            prompt=prompt,
            services=plan.services,
            trajectory=trajectory,
        )
        jobs.append(_run_one(grader, ctx))
    results = await asyncio.gather(*jobs)
    return [g for grades in results for g in grades]
