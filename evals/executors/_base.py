"""The executor seam: how a plan's samples are scheduled, never what they compute.

The runner owns the plan, the run log and the budget; an executor only decides where and
when each :class:`~evals.runner.PlanItem` is generated and graded. Whatever the executor,
every finished :class:`~evals.schema.Sample` comes back to the driver through
``hooks.record``, so the driver stays the single writer of ``samples.jsonl`` (results may
arrive in any order). ``hooks.admit`` is awaited before each sample starts (it reserves
the sample's budget and says no once the budget is spent).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from evals.runner import GradingPlan, PlanItem, RunConfig
    from evals.sandbox import Sandbox
    from evals.schema import Sample

__all__ = ["Admit", "DriverHooks", "ExecutionContext", "Executor", "Record"]

#: ``await admit(item)``: reserve the sample's budget; False = not started (stays missing).
Admit = Callable[["PlanItem"], Awaitable[bool]]
#: ``await record(item, sample)``: append the finished sample (None: it never finished,
#: e.g. an auth error) and settle its reservation. Never raises; see ``stopping``.
Record = Callable[["PlanItem", "Sample | None"], Awaitable[None]]


@dataclass(frozen=True)
class DriverHooks:
    """The runner's side of the seam: budget, the single log writer, the stop flag."""

    admit: Admit
    record: Record
    #: True once the run must stop scheduling (the log cannot be written, auth failed).
    stopping: Callable[[], bool]


@dataclass(frozen=True)
class ExecutionContext:
    """What the driver has prepared for a run; executors take the parts they need."""

    config: RunConfig
    run_dir: Path
    #: The driver's graders and sandbox (the local executor grades with these; a remote
    #: executor rebuilds its own on each node from ``config``, and may be given None).
    grading: GradingPlan
    sandbox: Sandbox | None


class Executor(Protocol):
    """Runs samples somewhere and hands each result back to the driver."""

    name: str

    async def execute(
        self, items: Sequence[PlanItem], ctx: ExecutionContext, hooks: DriverHooks
    ) -> list[str]:
        """Run ``items``: ``admit`` each before it starts, ``record`` each once, here.

        Returns notes for the manifest (e.g. nodes used, nodes lost). Raises
        :class:`~evals.errors.AuthenticationError` after the in-flight samples drained
        when a provider rejected the credentials (the whole run must stop).
        """
        ...
