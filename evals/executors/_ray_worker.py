"""The worker side of the Ray executor: one Ray task = one sample, generated and graded.

Nothing secret travels to a worker: the task arguments are a :class:`WorkerSetup` (the
run's options, persona texts, the suite's path) and a :class:`SampleSpec` (ids only).
Each worker process builds its providers, graders and sandbox from those once, reading API
keys from its own environment, and keeps them for the next sample of the same run.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.errors import AuthenticationError
from evals.persona import Persona
from evals.runner import GradingPlan, PlanItem, RunConfig, Runner
from evals.runner._config import default_grade_workers
from evals.runner._sample import run_sample
from evals.tasks import Suite, load_suite

if TYPE_CHECKING:
    from evals.providers import Provider

__all__ = ["SampleSpec", "WorkerSetup", "run_sample_task"]


@dataclass(frozen=True)
class WorkerSetup:
    """What every worker needs to rebuild the run (put in the object store once)."""

    options: dict[str, Any]
    run_dir: str
    suite: str
    personas: tuple[Persona, ...]

    @property
    def key(self) -> str:
        """Identifies the run, so a reused worker process rebuilds only for a new one."""
        text = repr((sorted(self.options.items()), self.run_dir, self.suite))
        shas = "".join(p.sha256 for p in self.personas)
        return hashlib.sha256((text + shas).encode()).hexdigest()


@dataclass(frozen=True)
class SampleSpec:
    """One plan item by its ids (the worker looks the objects up)."""

    sample_id: str
    persona_sha: str
    model: str
    task_id: str
    variant: str | None
    pressure: str | None
    epoch: int

    @classmethod
    def of(cls, item: PlanItem) -> SampleSpec:
        """The spec of a driver-side plan item."""
        return cls(
            item.sample_id,
            item.persona.sha256,
            item.provider.name,
            item.task.id,
            item.variant,
            item.pressure,
            item.epoch,
        )


class _RunState:
    """Per worker process and run: providers, graders, sandbox and one event loop."""

    def __init__(self, setup: WorkerSetup) -> None:
        from evals.sandbox import get_sandbox
        from evals.sandbox.runtime import ensure_runtime

        # On the worker the sample runs locally, with credentials from this environment.
        self.config = RunConfig.model_validate({**setup.options, "executor": "local"})
        self.runner = Runner(self.config, Path(setup.run_dir), argv=[])
        self.suite: Suite = load_suite(setup.suite)
        self.personas = {p.sha256: p for p in setup.personas}
        self.loop = asyncio.new_event_loop()
        ensure_runtime()
        self.sandbox = get_sandbox(self.config.sandbox)
        self.grading = GradingPlan.for_personas(
            list(setup.personas),
            self.config.graders,
            self.config.grader_options,
            self.runner._services(),  # the judge, built exactly as the local executor does
        )
        self.providers: dict[str, Provider] = {}
        self.grade_slots = asyncio.Semaphore(self.config.grade_workers or default_grade_workers())

    def item(self, spec: SampleSpec) -> PlanItem:
        provider = self.providers.get(spec.model)
        if provider is None:
            provider = self.providers[spec.model] = self.runner._provider(spec.model)
        return PlanItem(
            spec.sample_id,
            self.personas[spec.persona_sha],
            provider,
            self.suite.get(spec.task_id),
            spec.variant,
            spec.pressure,
            spec.epoch,
        )

    def close(self) -> None:
        for provider in self.providers.values():
            self.loop.run_until_complete(provider.aclose())
        self.sandbox.close()
        self.loop.close()


_STATES: dict[str, _RunState] = {}


def _state(setup: WorkerSetup) -> _RunState:
    key = setup.key
    state = _STATES.get(key)
    if state is None:
        for old in _STATES.values():  # a worker process serves one run at a time
            old.close()
        _STATES.clear()
        state = _STATES[key] = _RunState(setup)
    return state


@atexit.register
def _close_all() -> None:
    for state in _STATES.values():
        state.close()
    _STATES.clear()


def run_sample_task(setup: WorkerSetup, spec: SampleSpec) -> dict[str, Any]:
    """Body of the Ray task: generate and grade one sample on this worker.

    Returns ``{"sample": <Sample JSON>, "node": <Ray node id>, "isolated": ...}``, or
    ``{"auth": <message>, ...}`` when the provider rejected this worker's credentials.
    """
    state = _state(setup)
    item = state.item(spec)
    where = {"node": _node_id(), "pid": os.getpid(), "isolated": state.sandbox.isolated}
    try:
        sample = state.loop.run_until_complete(
            run_sample(
                item,
                state.grading,
                state.sandbox,
                state.grade_slots,
                max_tokens=state.config.max_tokens,
                temperature=state.config.temperature,
            )
        )
    except AuthenticationError as exc:
        return {"auth": str(exc), **where}
    return {"sample": sample.model_dump_json(), **where}


def _node_id() -> str:
    import sys

    ray = sys.modules.get("ray")  # inside a Ray worker it is imported already
    # Asking an uninitialised Ray for its context would start a whole local instance.
    if ray is None or not ray.is_initialized():
        return "local"
    return str(ray.get_runtime_context().get_node_id())
