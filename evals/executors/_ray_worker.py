"""The worker side of the Ray executor: one actor call = one sample, generated and graded.

Nothing secret travels to a worker: the call arguments are a :class:`WorkerSetup` (the
run's options, persona texts, the suite's path) and a :class:`SampleSpec` (ids only).
Each node runs one :class:`SampleRunner` (a Ray actor) that builds its providers, graders
and a warm sandbox pool from those once, reading API keys from its own environment, and
keeps them for every sample of the run it is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Only the light modules here: a node's runner process imports this module before its
# constructor runs, and the constructor starts the sandbox workers first (they boot in
# their own processes) and only then imports the harness (runner, tasks, graders).
if TYPE_CHECKING:
    from evals.persona import Persona
    from evals.providers import Provider
    from evals.runner import PlanItem
    from evals.sandbox import Sandbox
    from evals.tasks import Suite

__all__ = ["SampleRunner", "SampleSpec", "WorkerSetup"]


@dataclass(frozen=True)
class WorkerSetup:
    """What every worker needs to rebuild the run (put in the object store once)."""

    options: dict[str, Any]
    run_dir: str
    suite: str
    personas: tuple[Persona, ...]
    #: The plan's runtime modules each sandbox worker imports before its first sample
    #: (``graders._pytest_run.sandbox_modules``; None: no grader needs the sandbox).
    preload: tuple[str, ...] | None = ()


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


class SampleRunner:
    """One per Ray node (a Ray actor): warm sandbox pool, graders, providers, reused.

    Started as soon as the driver knows the run's options (before it has planned), it
    starts ``slots`` sandbox workers; :meth:`begin` then loads the run (suite, personas,
    graders; providers with credentials from this node's environment), and Ray calls
    :meth:`run` up to ``slots`` times at once on its one event loop
    (``max_concurrency=slots``). Plain Python (the executor applies ``ray.remote``), so
    it also runs in-process.
    """

    def __init__(self, options: dict[str, Any], slots: int = 1) -> None:
        import evals.sandbox  # noqa: F401  (imported here, not in both threads at once)
        import evals.sandbox._pooled  # noqa: F401
        from evals.runner._warm import SandboxStart

        self.stamps: dict[str, float] = {"init": time.time()}
        self.slots = max(1, slots)
        self.setup_s = 0.0
        # The sandbox is built (bwrap probed, the runtime venv provisioned if this node
        # lacks it) while this process imports the harness and the driver plans; its
        # workers start once begin() names the plan's runtime modules, each importing
        # them before its first sample, exactly as a local run's workers do.
        # ``options`` were validated by the driver.
        self._start = SandboxStart(str(options.get("sandbox", "auto")), workers=self.slots)
        self._start.start(provision=True)
        _import_harness()
        self.stamps["imported"] = time.time()
        self.providers: dict[str, Provider] = {}
        self.grade_slots: asyncio.Semaphore | None = None

    @property
    def sandbox(self) -> Sandbox:
        """The node's sandbox (begin() has waited for it)."""
        if "ready" not in self.stamps:
            raise RuntimeError("the runner's sandbox is not ready: call begin() first")
        return self._start.sandbox()

    async def begin(self, setup: WorkerSetup) -> dict[str, Any]:
        """Load the run; returns where this runner lives and what it has."""
        from evals.runner import GradingPlan, RunConfig, Runner
        from evals.tasks import load_suite

        self.stamps["begin"] = time.time()
        started = time.perf_counter()
        # On the node the sample runs locally, with credentials from this environment.
        self.config = RunConfig.model_validate({**setup.options, "executor": "local"})
        self.runner = Runner(self.config, Path(setup.run_dir), argv=[])
        self.suite: Suite = load_suite(setup.suite)
        self.personas = {p.sha256: p for p in setup.personas}
        self.grading = GradingPlan.for_personas(
            list(setup.personas),
            self.config.graders,
            self.config.grader_options,
            self.runner._services(),  # the judge, built exactly as the local executor does
        )
        self._start.preload(setup.preload)
        sandbox = await asyncio.to_thread(self._start.sandbox)  # raises what the build did
        self.setup_s = time.perf_counter() - started
        self.stamps["ready"] = time.time()
        return {
            "stamps": {"process": _process_started(), **self.stamps},
            "node": _node_id(),
            "pid": os.getpid(),
            "slots": self.slots,
            "isolated": sandbox.isolated,
            "setup_s": self.setup_s,
        }

    def _item(self, spec: SampleSpec) -> PlanItem:
        from evals.runner import PlanItem

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

    async def run(self, spec: SampleSpec) -> dict[str, Any]:
        """Generate and grade one sample here.

        Returns ``{"sample": <Sample JSON>, "t_start", "t_end", "gen_s"}`` (wall-clock
        seconds, for the driver's timings), or ``{"auth": <message>}`` when the provider
        rejected this node's credentials.
        """
        from evals.errors import AuthenticationError
        from evals.runner._sample import run_sample

        t_start = time.time()
        if self.grade_slots is None:  # made on the loop that runs the samples
            self.grade_slots = asyncio.Semaphore(self.slots)
        item = self._item(spec)
        try:
            sample = await run_sample(
                item,
                self.grading,
                self.sandbox,
                self.grade_slots,
                max_tokens=self.config.max_tokens,
                temperature=self.config.temperature,
            )
        except AuthenticationError as exc:
            return {"auth": str(exc)}
        return {
            "sample": sample.model_dump_json(),
            "t_start": t_start,
            "t_end": time.time(),
            "gen_s": sample.latency_s or 0.0,
        }

    async def close(self) -> None:
        """Close the providers' clients and stop the sandbox workers."""
        for provider in self.providers.values():
            await provider.aclose()
        self.providers.clear()
        self._start.close()


def _import_harness() -> None:
    """Import what begin() and the samples use (the runner, tasks, every grader)."""
    import evals.runner._sample  # noqa: F401
    import evals.tasks  # noqa: F401
    from graders import get_grader, grader_names

    for name in grader_names():
        with contextlib.suppress(Exception):  # a broken plugin fails in begin(), named
            get_grader(name)


def _process_started() -> float | None:
    """Wall-clock time this process started (Linux ``/proc``; None elsewhere)."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def _node_id() -> str:
    ray = sys.modules.get("ray")  # inside a Ray worker it is imported already
    # Asking an uninitialised Ray for its context would start a whole local instance.
    if ray is None or not ray.is_initialized():
        return "local"
    return str(ray.get_runtime_context().get_node_id())
