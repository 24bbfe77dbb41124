"""One sample: render the prompt, ask the model, extract the files, grade them.

Infrastructure failures of the call become an ``infra_error`` sample (retried on
resume); an authentication error propagates, because the whole run must stop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeGuard

from evals.errors import AuthenticationError
from evals.extract import extract_files
from evals.providers import ProviderRequest
from evals.runner._answer import answer_kind, blame_model
from evals.runner._grade import GradingPlan, grade_files, no_files_grade
from evals.runner._plan import PlanItem
from evals.sandbox._queue import serve_in_order
from evals.schema import Sample
from evals.tasks import render_prompt

if TYPE_CHECKING:
    from evals.agent._job import AgentProvider
    from evals.sandbox import Sandbox

__all__ = [
    "build_request",
    "grade_sample",
    "infra_error_sample",
    "is_agent",
    "new_sample",
    "now_iso",
    "run_sample",
]


#: The order in which samples of this process start grading (their sandbox priority).
_GRADING_ORDER = itertools.count()


def is_agent(provider: object) -> TypeGuard[AgentProvider]:
    """Whether ``provider`` is an agent (:class:`evals.agent.AgentProvider`).

    Without importing :mod:`evals.agent` (~50 ms, on every run's path to its first
    sample): an instance of a class exists only once the module defining it is loaded.
    """
    module = sys.modules.get("evals.agent._job")
    return module is not None and isinstance(provider, module.AgentProvider)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def build_request(item: PlanItem, max_tokens: int, temperature: float) -> ProviderRequest:
    """The provider request of one plan item."""
    return ProviderRequest(
        model=item.provider.name,
        system=item.persona.body,
        messages=({"role": "user", "content": render_prompt(item.task, item.pressure)},),
        max_tokens=max_tokens,
        temperature=temperature,
        epoch=item.epoch,
        task=item.task,
        variant=item.variant,
        sample_id=item.sample_id,
    )


def new_sample(item: PlanItem, prompt: str) -> Sample:
    """The record of ``item`` before the model answered (identity, prompt, start time)."""
    return Sample(
        sample_id=item.sample_id,
        task_id=item.task.id,
        task_sha=item.task_sha or None,
        model=item.provider.name,
        persona=item.persona.name,
        persona_ref=item.persona.ref,
        persona_sha=item.persona.sha256,
        epoch=item.epoch,
        variant=item.variant,
        pressure=item.pressure,
        pressure_tempts=[
            rule for p in item.task.spec.pressure if p.id == item.pressure for rule in p.tempts
        ],
        prompt=prompt,
        started_at=now_iso(),
    )


def infra_error_sample(item: PlanItem, error: str) -> Sample:
    """An ``infra_error`` record for ``item`` (retried on resume), e.g. its node was lost."""
    sample = new_sample(item, render_prompt(item.task, item.pressure))
    sample.status = "infra_error"
    sample.error = error.splitlines()[0][:500] if error else "unknown infrastructure error"
    sample.finished_at = now_iso()
    return sample


async def run_sample(
    item: PlanItem,
    grading: GradingPlan,
    sandbox: Sandbox,
    grade_slots: asyncio.Semaphore,
    *,
    max_tokens: int,
    temperature: float,
    generated: Callable[[], None] | None = None,
) -> Sample:
    """Generate and grade one plan item. Raises AuthenticationError; records other errors.

    ``generated`` is called once the model has answered, before grading starts (the local
    executor releases the sample's generation slot there: generation is API-bound, grading
    is bound by the machine's cores, and each has its own limit).
    """
    request = build_request(item, max_tokens, temperature)
    prompt = str(request.messages[0]["content"])
    sample = new_sample(item, prompt)
    if is_agent(item.provider):  # an agent acts in a workspace
        from evals.runner._agent import solve_and_grade

        return await solve_and_grade(item, item.provider, sample, grading, sandbox, grade_slots)
    started = time.perf_counter()
    try:
        response = await item.provider.generate(request)
    except (AuthenticationError, asyncio.CancelledError):
        raise
    except Exception as exc:  # infra failure of this sample: record, retry on resume
        sample.status = "infra_error"
        sample.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
        sample.latency_s = time.perf_counter() - started
        sample.finished_at = now_iso()
        return sample
    if generated is not None:
        generated()
    sample.output = response.text
    sample.usage = response.usage
    sample.stop_reason = response.stop_reason
    sample.latency_s = response.latency_s or (time.perf_counter() - started)
    sample.cost_usd = response.cost_usd
    sample.cached = response.cached
    kind = answer_kind(response.text, response.stop_reason)
    if kind == "binary":  # nothing to extract from a blob
        sample.extraction_notes = ["the answer is not text (binary)"]
        grade = no_files_grade(item.persona, grading)
        sample.grades = [grade.model_copy(update={"kind": "binary"})]
        sample.finished_at = now_iso()
        return sample
    extraction = extract_files(response.text, item.task.spec.answer_files)
    sample.files = extraction.files
    sample.extraction_notes = extraction.notes
    if kind is not None:
        sample.extraction_notes.append(f"answer kind: {kind} (stop reason {response.stop_reason})")
    return await grade_sample(sample, item, grading, sandbox, grade_slots, kind=kind)


async def grade_sample(
    sample: Sample,
    item: PlanItem,
    grading: GradingPlan,
    sandbox: Sandbox,
    grade_slots: asyncio.Semaphore,
    trajectory: Any = None,
    *,
    kind: str | None = None,
) -> Sample:
    """Grade ``sample.files`` (with ``trajectory`` for agent samples) and finish ``sample``.

    ``kind`` is the single-turn answer's :func:`answer_kind` (it decides who is blamed).
    """
    if not sample.files:
        sample.grades = [no_files_grade(item.persona, grading)]
    else:
        async with grade_slots:
            # Sandbox requests of samples that started grading earlier are served first.
            with serve_in_order(next(_GRADING_ORDER)):
                sample.grades = await grade_files(
                    grading,
                    persona=item.persona,
                    task=item.task,
                    files=sample.files,
                    sandbox=sandbox,
                    output=sample.output,
                    prompt=sample.prompt,
                    trajectory=trajectory,
                )
    if kind is not None:
        sample.grades = blame_model(sample.grades, kind)
    sample.judge_cost_usd = sum(g.judge.cost_usd for g in sample.grades if g.judge is not None)
    sample.finished_at = now_iso()
    return sample
