"""One agent sample: the agent acts in a fresh jailed workspace, then it is graded.

Grading starts only after the agent has exited: the final workspace goes through
every grader the persona maps (the same graders as single-turn samples), and the
hidden tests enter a sandbox only then (``tests_pass`` copies them in), so no agent
can read them while it runs. Trajectory graders (process rules) see the trajectory.
An infrastructure failure (CLI crash, persona not loaded, API unreachable) becomes an
``infra_error`` sample, which resume re-runs from scratch with a new attempt id.
"""

from __future__ import annotations

import asyncio

from evals.agent._job import AGENT_CONTRACT, AgentJob, AgentProvider
from evals.errors import AuthenticationError
from evals.runner._grade import GradingPlan
from evals.runner._plan import PlanItem
from evals.sandbox import Sandbox
from evals.schema import Sample
from evals.tasks import render_prompt

__all__ = ["solve_and_grade"]


async def solve_and_grade(
    item: PlanItem,
    agent: AgentProvider,
    sample: Sample,
    grading: GradingPlan,
    sandbox: Sandbox,
    grade_slots: asyncio.Semaphore,
) -> Sample:
    """Run ``agent`` (``item``'s provider) on its task, then grade the final workspace."""
    from evals.runner._sample import grade_sample, now_iso

    sample.prompt = render_prompt(item.task, item.pressure, contract=AGENT_CONTRACT)
    job = AgentJob(
        sample_id=item.sample_id,
        task=item.task,
        persona=item.persona,
        prompt=sample.prompt,
        epoch=item.epoch,
        pressure=item.pressure,
    )
    try:
        result = await agent.solve(job)
    except (AuthenticationError, asyncio.CancelledError):
        raise
    except Exception as exc:  # infra failure of this sample: record, retry on resume
        sample.status = "infra_error"
        sample.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
        sample.finished_at = now_iso()
        return sample
    trajectory = result.trajectory
    sample.agent = trajectory.summary()
    sample.output = trajectory.final_text
    sample.usage = result.usage
    sample.cost_usd = result.cost_usd
    sample.latency_s = result.latency_s
    sample.stop_reason = result.stop_reason
    sample.files = result.files
    sample.extraction_notes = list(result.notes)
    if result.infra_error is not None:
        sample.status = "infra_error"
        sample.error = result.infra_error[:500]
        sample.finished_at = now_iso()
        return sample
    return await grade_sample(sample, item, grading, sandbox, grade_slots, trajectory)
