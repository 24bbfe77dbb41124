"""``evals tasks validate``: prove each task means what it says, through the real pipeline.

Gold and every flawed variant run through the oracle providers, the sandbox and every
grader (a real :class:`~evals.runner.Runner` into a scratch run directory). A task is
valid when:

- gold passes every grade (``skipped`` is allowed: e.g. the judge offline);
- each flawed variant fails every rule it declares, and passes every other rule, except
  the hidden-tests rule when the variant declares ``hidden_tests: fail``;
- the hidden tests pass on gold and behave on each variant as declared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from evals.log import read_samples
from evals.persona import Persona
from evals.runner._config import RunConfig
from evals.runner._run import Runner
from evals.schema import Sample
from evals.tasks import Suite, Task

__all__ = [
    "ValidationIssue",
    "ValidationReport",
    "check_sample",
    "static_problems",
    "validate_suite",
]

TESTS_RULE = "never-deploy-untested"


@dataclass(frozen=True)
class ValidationIssue:
    task_id: str
    variant: str
    message: str


@dataclass
class ValidationReport:
    checked: list[tuple[str, str]] = field(default_factory=list)
    issues: list[ValidationIssue] = field(default_factory=list)
    run_dir: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.issues and bool(self.checked)


def _rule_verdicts(sample: Sample) -> dict[str, set[str]]:
    verdicts: dict[str, set[str]] = {}
    for grade in sample.grades:
        for rule in grade.rule_ids:
            verdicts.setdefault(rule, set()).add(grade.verdict)
    return verdicts


def check_sample(sample: Sample, suite: Suite, tests_rules: set[str]) -> list[str]:
    """Problems with one oracle sample (empty when it behaves as declared)."""
    task = suite.get(sample.task_id)
    if sample.status != "ok":
        return [f"infra error: {sample.error}"]
    problems: list[str] = []
    verdicts = _rule_verdicts(sample)
    for grade in sample.grades:
        if grade.verdict in ("error", "unscored"):
            problems.append(f"{grade.grader} could not grade: {grade.reason}")
    if sample.variant is None:
        expected_fail: set[str] = set()
    else:
        spec = task.spec.flawed[sample.variant]
        expected_fail = set(spec.violates)
        if spec.hidden_tests == "fail":
            expected_fail |= tests_rules
    for rule, seen in sorted(verdicts.items()):
        if rule in expected_fail:
            if seen == {"skipped"}:
                continue  # measured only by a grader that is off here (the judge offline)
            if "fail" not in seen:
                problems.append(f"should fail {rule} but got {'/'.join(sorted(seen))}")
        elif "fail" in seen:
            reasons = [
                g.reason for g in sample.grades if rule in g.rule_ids and g.verdict == "fail"
            ]
            problems.append(f"unexpectedly fails {rule}: {'; '.join(reasons)[:300]}")
    for rule in sorted(expected_fail - set(verdicts)):
        problems.append(f"declares {rule} but no grader measured it on this task")
    return problems


def static_problems(task: Task, persona: Persona) -> list[str]:
    """Declarations that cannot hold whatever the graders say."""
    problems = []
    known = {r.id for r in persona.rules}
    for rule in task.spec.rules:
        if rule not in known:
            problems.append(f"rules: {rule!r} is not a rule of persona {persona.name}")
    declared = set(task.spec.rules)
    covered: set[str] = set()
    for name, spec in task.spec.flawed.items():
        extra = set(spec.violates) - declared
        if extra:
            problems.append(f"flawed.{name} violates {sorted(extra)} not listed in rules")
        covered |= set(spec.violates)
    for rule in sorted(declared - covered):
        graders = persona.rule(rule).graders if rule in known else ()
        if graders:
            problems.append(f"no flawed variant violates {rule}; add one")
    return problems


def validate_suite(
    suite_path: str,
    task_ids: list[str],
    run_dir: Path,
    *,
    persona: str | None = None,
    sandbox: str = "auto",
) -> ValidationReport:
    """Run gold and flawed oracles over ``task_ids`` (all when empty) and check them."""
    import asyncio

    from evals.persona import load_persona
    from evals.tasks import load_suite

    suite = load_suite(suite_path)
    config = RunConfig(
        suite=suite_path,
        tasks=task_ids,
        models=["oracle/gold", "oracle/flawed"],
        pressure=False,
        report=False,
        sandbox=sandbox,
        cache=False,
    )
    if persona:
        config = config.merged({"personas": [persona]})
    runner = Runner(config, run_dir, argv=["tasks", "validate"])
    asyncio.run(runner.run())
    persona_obj = load_persona(config.personas[0])
    tests_rules = set(persona_obj.rules_for_grader("tests_pass")) or {TESTS_RULE}
    report = ValidationReport(run_dir=run_dir)
    for task in suite.select(task_ids or None):
        for problem in static_problems(task, persona_obj):
            report.issues.append(ValidationIssue(task.id, "task.yaml", problem))
    for sample in read_samples(run_dir):
        variant = sample.variant or "gold"
        report.checked.append((sample.task_id, variant))
        for problem in check_sample(sample, suite, tests_rules):
            report.issues.append(ValidationIssue(sample.task_id, variant, problem))
    return report
