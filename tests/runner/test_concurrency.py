"""Generation and grading have separate limits in the local executor.

A sample holds its generation slot (``max_concurrency``) only until the model has
answered; grading waits for a grade slot (``grade_workers``). So a slow grader never
stops the next request from being sent, and no more samples grade at once than allowed.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal

from evals.executors import DriverHooks, ExecutionContext, get_executor
from evals.persona import load_persona
from evals.providers import ProviderRequest, ProviderResponse, get_provider
from evals.runner import GradingPlan, PlanItem, RunConfig, build_plan
from evals.sandbox import BaseSandbox
from evals.schema import Grade, Sample
from evals.tasks import load_suite
from graders import GradeContext, get_grader
from graders._base import Scope

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "tests" / "fixtures" / "suite"
PERSONA = ROOT / "personas" / "backend-engineer.md"


class _Recording:
    """The real offline oracle, recording when each request is sent."""

    def __init__(self, events: list[str], sent: asyncio.Event, total: int) -> None:
        self.inner = get_provider("oracle/gold", require_credentials=False)
        self.name = self.inner.name
        self.offline = True
        self.warnings: list[str] = []
        self.events = events
        self.sent = sent
        self.total = total

    async def generate(self, request: ProviderRequest) -> ProviderResponse:
        self.events.append("generate")
        if self.events.count("generate") == self.total:
            self.sent.set()
        return await self.inner.generate(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class _Held:
    """The real ``sql_construction`` grader, answering once ``gate`` opens (or after
    ``hold_s`` when there is no gate), counting the samples it grades at once."""

    name: ClassVar[str] = "sql_construction"
    default_rules: ClassVar[tuple[str, ...]] = ()
    scope: ClassVar[Literal["all", "declared"]] = "all"
    needs_sandbox: ClassVar[bool] = False
    fails_without_files: ClassVar[bool] = False

    def __init__(self, events: list[str], gate: asyncio.Event | None, hold_s: float) -> None:
        self.real = get_grader("sql_construction")
        self.events = events
        self.gate = gate
        self.hold_s = hold_s
        self.active = 0
        self.most_active = 0

    def rule_scopes(self, ctx: GradeContext) -> Mapping[str, Scope]:
        return self.real.rule_scopes(ctx)

    async def grade(self, ctx: GradeContext) -> list[Grade]:
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        self.events.append("grade")
        try:
            if self.gate is None:
                await asyncio.sleep(self.hold_s)
            else:  # a timeout becomes an error grade, which the test rejects
                await asyncio.wait_for(self.gate.wait(), timeout=self.hold_s)
            grades = await self.real.grade(ctx)
            self.events.append("graded")
            return grades
        finally:
            self.active -= 1


class _NoSandbox(BaseSandbox):
    name = "none"

    def run(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no grader of this test runs code")

    def run_pytest(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no grader of this test runs code")


def _execute(
    tmp_path: Path, *, hold_s: float, gated: bool, **options: Any
) -> tuple[list[Sample], list[str], _Held]:
    """Run the fixture suite through the local executor; the gate opens once every
    request was sent."""
    config = RunConfig.model_validate(
        {"suite": str(SUITE), "personas": [str(PERSONA)], "report": False, **options}
    )
    events: list[str] = []
    recorded: list[Sample] = []

    async def admit(item: PlanItem) -> bool:
        return True

    async def record(item: PlanItem, sample: Sample | None) -> None:
        assert sample is not None
        recorded.append(sample)

    async def main() -> _Held:
        suite = load_suite(str(SUITE))
        persona = load_persona(str(PERSONA))
        items = build_plan([persona], [get_provider("oracle/gold")], suite.select(None), 3)
        sent = asyncio.Event()
        provider = _Recording(events, sent, len(items))
        items = [dataclasses.replace(item, provider=provider) for item in items]  # type: ignore[arg-type]
        grader = _Held(events, sent if gated else None, hold_s)
        grading = GradingPlan({"sql_construction": grader})  # type: ignore[dict-item]
        hooks = DriverHooks(admit=admit, record=record, stopping=lambda: False)
        context = ExecutionContext(config, tmp_path, grading, _NoSandbox())
        await get_executor("local").execute(items, context, hooks)
        return grader

    grader = asyncio.run(main())
    return recorded, events, grader


def test_a_sample_in_grading_does_not_hold_its_generation_slot(tmp_path: Path) -> None:
    # One generation slot, one grade slot, and the first grade answers only once every
    # request was sent: that happens only if a sample in grading released its slot.
    samples, events, _ = _execute(
        tmp_path, hold_s=5.0, gated=True, max_concurrency=1, grade_workers=1
    )
    assert len(samples) >= 3
    assert all(g.verdict != "error" for s in samples for g in s.grades), [
        g.reason for s in samples for g in s.grades
    ]
    last_sent = len(events) - 1 - events[::-1].index("generate")
    assert events.index("graded") > last_sent


def test_grade_workers_bounds_the_samples_graded_at_once(tmp_path: Path) -> None:
    for workers in (1, 2):
        samples, _, grader = _execute(
            tmp_path / str(workers), hold_s=0.05, gated=False, grade_workers=workers
        )
        assert len(samples) >= 3
        assert grader.most_active == workers
