"""``JudgeGrader``: an LLM judge for the rules code cannot decide, one grade per rule.

Which rules it grades on a sample (declared by :meth:`JudgeGrader.rule_scopes`; the runner
applies the scopes with :func:`graders.graded_rules`, as for every grader):

* ``principle-*`` (rubric ``scope: every-task``): every task;
* ``always-profile-first``, ``always-document-api`` and any other ``declared`` rule: only
  tasks whose ``task.yaml`` lists the rule (elsewhere: no grade row at all);
* second opinion: rules named in the grader option ``second_opinion`` (or
  ``JudgeService.second_opinion``) that other graders already measure, again only on
  tasks declaring them; those grades carry ``judge.second_opinion = True``.

Without ``--judge`` every rule is ``skipped`` ("no judge configured"); when the judge
could not be built it is ``skipped: no credentials (...)`` or ``skipped: judge not
installed (...)`` (:class:`~graders.JudgeUnavailable` says which). Neither is a failure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from evals.schema import Evidence, Grade, JudgeDetail
from graders._base import GradeContext, Scope, error_grade, skipped_grade
from graders.judge._call import JudgeOutcome, judge_rules
from graders.judge._rubric import Rubric, rubric_for
from graders.judge._verdict import VoteResult, locate_quote
from graders.judge.calibration_store import known_kappa

__all__ = ["JudgeGrader"]

NAME = "judge"


class JudgeGrader:
    """Grades readability, fail-fast, security, API docs and profiling with an LLM."""

    name: ClassVar[str] = NAME
    default_rules: ClassVar[tuple[str, ...]] = (
        "always-profile-first",
        "always-document-api",
        "principle-readability",
        "principle-fail-fast",
        "principle-security-first",
    )
    # Runs on every task; which of its rules apply there is per rule (rule_scopes).
    scope: ClassVar[Scope] = "all"
    needs_sandbox: ClassVar[bool] = False
    fails_without_files: ClassVar[bool] = False  # it judges the prose answer then

    def rule_scopes(self, ctx: GradeContext) -> Mapping[str, Scope]:
        """Rubric ``every-task`` rules: ``all``; other rules and second opinions: ``declared``."""
        extra = ctx.options.get("rules")
        scopes: dict[str, Scope] = {}
        for rid in ctx.rule_ids or self.default_rules:
            rubric = rubric_for(rid, extra)
            every = rubric is not None and rubric.scope == "every-task"
            scopes[rid] = "all" if every else "declared"
        for rid in _second_opinion_rules(ctx):
            scopes.setdefault(rid, "declared")
        return scopes

    async def grade(self, ctx: GradeContext) -> list[Grade]:
        """One grade per rule of ``ctx.rule_ids`` (see the module docstring)."""
        ids = list(ctx.rule_ids or self.default_rules)
        second = set(_second_opinion_rules(ctx)) & set(ids)
        judge = ctx.services.judge
        if judge is None:
            return [
                _mark(skipped_grade(NAME, [r], "no judge configured"), r in second) for r in ids
            ]
        provider = judge.provider
        if provider is None:
            reason = judge.unavailable.reason if judge.unavailable else "skipped: no provider"
            return [_mark(skipped_grade(NAME, [r], reason), r in second, judge.model) for r in ids]

        grades: list[Grade] = []
        rubrics: list[Rubric] = []
        for rid in ids:
            rubric = rubric_for(rid, ctx.options.get("rules"))
            if rubric is None:
                fix = f"add it to graders/judge/rubrics.yaml or grader option judge.rules.{rid}"
                grades.append(
                    _mark(
                        error_grade(NAME, [rid], f"no rubric for {rid}; {fix}"),
                        rid in second,
                        judge.model,
                    )
                )
            else:
                rubrics.append(rubric)
        files = dict(ctx.files) or ({"output.md": ctx.output} if ctx.output.strip() else {})
        if not rubrics:
            return grades
        if not files:
            return grades + [
                _mark(
                    skipped_grade(NAME, [r.id], "no candidate output to judge"),
                    r.id in second,
                    judge.model,
                )
                for r in rubrics
            ]
        model = judge.model
        n = max(1, int(ctx.options.get("samples", judge.samples) or 1))
        prompt = ctx.prompt or (ctx.task.prompt_template if ctx.task is not None else "")
        outcome = await judge_rules(provider, model, rubrics, prompt, files, n)
        share = outcome.cost_usd / len(rubrics)
        for rubric in rubrics:
            result = outcome.results[rubric.id]
            detail = _detail(model, n, outcome, result, share, rubric.id in second)
            grades.append(_grade(result, files, detail))
        return grades


def _second_opinion_rules(ctx: GradeContext) -> Sequence[str]:
    judge = ctx.services.judge
    raw: Any = ctx.options.get("second_opinion", judge.second_opinion if judge else ())
    if isinstance(raw, str):
        raw = [raw]
    return [str(r) for r in raw or ()]


def _mark(grade: Grade, second: bool, model: str = "") -> Grade:
    """Attach the judge detail of a grade the judge never voted on (skipped, no rubric)."""
    grade.judge = JudgeDetail(model=model, second_opinion=second)
    return grade


def _detail(
    model: str, n: int, outcome: JudgeOutcome, result: VoteResult, share: float, second: bool
) -> JudgeDetail:
    return JudgeDetail(
        model=model,
        served_model=outcome.model or model,
        samples=n,
        votes=dict(result.votes),
        cost_usd=share,
        calls=outcome.calls,
        cached_calls=outcome.cached_calls,
        retries=outcome.retries,
        kappa=known_kappa(model),
        second_opinion=second,
    )


def _grade(result: VoteResult, files: Mapping[str, str], detail: JudgeDetail) -> Grade:
    rid = result.rule_id
    winner = result.winner
    if result.verdict in ("pass", "fail") and winner is not None:
        where = locate_quote(winner.quote, files)
        evidence = Evidence(
            message=winner.reason,
            file=where.file if where else None,
            line=where.line if where else None,
            quote=winner.quote,
        )
        return Grade(
            grader=NAME,
            rule_ids=[rid],
            verdict=result.verdict,
            score=1.0 if result.verdict == "pass" else 0.0,
            reason=winner.reason,
            evidence=[evidence],
            judge=detail,
        )
    if result.verdict == "not_applicable":
        grade = skipped_grade(NAME, [rid], f"not applicable: {result.reason}")
        grade.kind = "not_applicable"
    elif result.verdict == "unscored":
        grade = Grade(
            grader=NAME,
            rule_ids=[rid],
            verdict="unscored",
            score=0.0,
            reason=f"unscored: {result.reason}",
            kind="ungrounded",
        )
    elif result.verdict == "split":
        grade = error_grade(NAME, [rid], result.reason, kind="split_vote")
    else:
        grade = error_grade(NAME, [rid], result.reason, kind="judge_error")
    grade.judge = detail
    return grade
