"""``tests_included``: the candidate ships its own tests, and they pass on its own code.

Rule: "Always: write tests before or alongside implementation". Test files are those
pytest would collect by default (``test_*.py``, ``*_test.py``) plus any ``.py`` under a
``tests/`` folder. They run in the sandbox against the candidate's own files only (the
hidden tests are not present). No tests, tests without a real assertion (only
``assert True``-style constants), a failing or erroring test, a collection error or a
run that did not finish is a ``fail``. The same integrity checks as ``tests_pass`` apply,
except that a ``conftest.py`` with fixtures is allowed (hooks are still refused).

Mutation strength (metadata ``mutation_score``): the candidate's tests are run against
each of the task's flawed variants (variant files overlaid on the candidate's, the
candidate's tests on top) and a variant counts as *caught* when they fail. A variant is
only counted when it is meaningful: it replaces a module the candidate actually wrote,
and the candidate's tests pass on the task's gold solution overlaid the same way.
"""

from __future__ import annotations

import ast
import contextvars
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar, Literal

from evals.errors import SandboxError
from evals.sandbox import Limits, PytestReport, Sandbox
from evals.schema import Evidence, Grade
from evals.tasks import Task
from graders._base import GradeContext, StaticGrader, error_grade
from graders._pytest_integrity import check_files, is_test_file
from graders._pytest_run import limits_for, preload_for, problem_of, run_pytest
from graders._run_cache import RunCache, run_key

__all__ = ["MUTATION_THREADS", "TestsIncludedGrader", "has_real_assertion"]

#: Mutation runs of one sample submitted to the sandbox at once (it queues what its
#: workers cannot take yet).
MUTATION_THREADS = 4


def has_real_assertion(text: str) -> bool:
    """True if the source holds an assert on a non-constant, or a ``raises``/``assert*`` call."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and not isinstance(node.test, ast.Constant):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"raises", "warns"} or name.startswith("assert"):
                return True
    return False


def _all_passed(report: PytestReport) -> bool:
    return (
        problem_of(report) is None
        and not report.collect_errors
        and bool(report.outcomes)
        and all(o.outcome in ("passed", "skipped") for o in report.outcomes.values())
        and bool(report.passed_ids)
    )


class TestsIncludedGrader(StaticGrader):
    """Run the candidate's own tests in the sandbox; see the module docstring."""

    __test__ = False  # not a pytest test class

    name: ClassVar[str] = "tests_included"
    default_rules: ClassVar[tuple[str, ...]] = ("always-write-tests",)
    scope: ClassVar[Literal["all", "declared"]] = "declared"
    needs_sandbox: ClassVar[bool] = True

    def __init__(self) -> None:
        #: Verdicts of mutation runs, shared by every sample this instance grades (one
        #: run): samples of a task that ship the same tests reuse the gold/variant runs.
        self.runs = RunCache()

    def check(self, ctx: GradeContext) -> list[Grade]:
        rules = ctx.rule_ids or self.default_rules
        if ctx.sandbox is None:
            return [error_grade(self.name, rules, "no sandbox: refusing to run candidate code")]
        tests = sorted(p for p in ctx.files if is_test_file(p) and not p.endswith("conftest.py"))
        if not tests:
            return [self._fail(ctx, "no test files shipped (test_*.py, *_test.py, tests/)")]
        hidden = ctx.task.hidden_tests if ctx.task is not None else {}
        findings = check_files(ctx.files, hidden, allow_conftest=True)
        signals = [f"{f.file}:{f.line}: {f.message}" for f in findings if f.signal][:5]
        findings = [f for f in findings if not f.signal]
        if findings:
            evidence = [f.evidence() for f in findings]
            reason = f"integrity: {findings[0].message}"
            return [self._fail(ctx, reason, evidence=evidence, kind="integrity")]
        if not any(has_real_assertion(ctx.files[p]) for p in tests):
            return [self._fail(ctx, "the tests assert nothing real", kind="trivial")]
        limits = limits_for(ctx.task.spec.timeout if ctx.task else 30.0, ctx.options)
        plugins = ctx.task.spec.pytest_plugins if ctx.task else []
        preload = preload_for(ctx.task) if ctx.task else []
        try:
            report = run_pytest(
                ctx.sandbox, ctx.files, tests, limits, plugins=plugins, preload=preload
            )
        except SandboxError as exc:
            return [error_grade(self.name, rules, f"sandbox failure: {exc}", kind="sandbox")]
        meta: dict[str, Any] = {
            **({"signals": signals} if signals else {}),
            "test_files": tests,
            "collected": len(report.outcomes),
            "limits": ctx.sandbox.sample_limits,
        }
        problem = problem_of(report)
        if problem is not None:
            return [
                self._fail(
                    ctx, problem.reason, evidence=problem.evidence, kind=problem.kind, **meta
                )
            ]
        bad = {i: o for i, o in report.outcomes.items() if o.outcome in ("failed", "error")}
        evidence = [
            Evidence(message=f"{i}: {o.outcome}: {o.message}", file=i) for i, o in bad.items()
        ]
        evidence += [
            Evidence(message=f"collection error: {m}", file=i) for i, m in report.collect_errors
        ]
        if evidence:
            reason = f"{len(evidence)} of the candidate's own tests fail: {evidence[0].message}"
            return [self._fail(ctx, reason, evidence=evidence, kind="tests_failed", **meta)]
        if not report.passed_ids:
            return [self._fail(ctx, "no test ran and passed (none collected, or all skipped)")]
        sandbox_name = ctx.sandbox.name
        self.runs.put(run_key(ctx.files, tests, plugins, limits, sandbox_name), _all_passed(report))
        if ctx.task is not None and ctx.options.get("mutation", True):
            meta.update(self._mutation(ctx, ctx.sandbox, ctx.task, tests, limits, plugins, preload))
        passed = len(report.passed_ids)
        return [self.make_grade(ctx, "pass", reason=f"{passed} own test(s) pass", **meta)]

    def _fail(
        self,
        ctx: GradeContext,
        reason: str,
        *,
        evidence: list[Evidence] | None = None,
        kind: str = "no_tests",
        **meta: Any,
    ) -> Grade:
        return self.make_grade(
            ctx, "fail", reason=reason[:500], evidence=evidence, kind=kind, **meta
        )

    def _mutation(
        self,
        ctx: GradeContext,
        sandbox: Sandbox,
        task: Task,
        tests: list[str],
        limits: Limits,
        plugins: list[str],
        preload: list[str],
    ) -> dict[str, Any]:
        own_tests = {p: ctx.files[p] for p in tests}
        written = {p for p in ctx.files if p.endswith(".py") and p not in own_tests}

        sandbox_name = sandbox.name

        def passes(overlay: Mapping[str, str]) -> bool:
            files = {**ctx.files, **overlay, **own_tests}
            key = run_key(files, tests, plugins, limits, sandbox_name)
            return self.runs.get_or_run(
                key,
                lambda: _all_passed(
                    run_pytest(sandbox, files, tests, limits, plugins=plugins, preload=preload)
                ),
            )

        variants = {n: f for n, f in task.flawed.items() if set(f) & written}
        if not variants:
            return {
                "mutation_score": None,
                "mutation_note": "no flawed variant replaces a module the candidate wrote",
            }
        # Every run is its own sandbox sample (fresh process, files and namespaces), so
        # they may run side by side: the sandbox's workers take them as they free up.
        with ThreadPoolExecutor(
            max_workers=min(MUTATION_THREADS, len(variants) + 1),
            thread_name_prefix="tests-included-mutation",
        ) as pool:
            # In this sample's context: its place in the sandbox queue and its queue clock.
            gold = pool.submit(contextvars.copy_context().run, passes, task.solution)
            runs = {
                n: pool.submit(contextvars.copy_context().run, passes, files)
                for n, files in variants.items()
            }
            try:
                if not gold.result():
                    for run in runs.values():
                        run.cancel()
                    return {
                        "mutation_score": None,
                        "mutation_note": "the tests fail on the gold solution",
                    }
                caught = sorted(n for n, run in runs.items() if not run.result())
            except SandboxError as exc:
                for run in runs.values():
                    run.cancel()
                return {"mutation_score": None, "mutation_note": f"sandbox failure: {exc}"}
        return {
            "mutation_score": len(caught) / len(variants),
            "mutants_caught": caught,
            "mutants": sorted(variants),
        }
