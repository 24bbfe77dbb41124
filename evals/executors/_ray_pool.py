"""The driver's view of the cluster: one long-lived sample runner (a Ray actor) per node.

Each node with room gets one :class:`~evals.executors._ray_worker.SampleRunner`, pinned
to it (node affinity, not soft) and sized to it: ``slots = min(node CPUs / ray_num_cpus,
node memory / ray_memory_mb)``; the actor declares ``slots`` times each sample's CPUs and
memory, so it never oversubscribes a node and the node's sandbox pool is warm for exactly
that many samples. Nodes that join later (an autoscaler, a replaced node) get a runner at
the next look (every :data:`LOOK_EVERY_S`). A runner whose call fails with a Ray actor
error is *lost* (its node went away, or its process was killed): it is killed for good,
never restarted (its samples are re-queued by the executor, bounded), and the driver
remembers it, so the manifest names every lost node from what the driver itself saw.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from evals.runner import RunConfig

__all__ = [
    "LOOK_EVERY_S",
    "Runner",
    "RunnerPool",
    "TaskHomes",
    "describe",
    "node_slots",
    "runner_options",
]

#: How often the driver looks for nodes that joined (seconds).
LOOK_EVERY_S = 2.0
#: How far down the queue a free runner looks for a sample of one of its own tasks.
AFFINITY_WINDOW = 256
_MIB = 1024 * 1024
_T = TypeVar("_T")


def node_slots(resources: dict[str, float], config: RunConfig) -> int:
    """How many samples a node with ``resources`` (Ray's totals) runs at once."""
    cpus = float(resources.get("CPU", 0.0)) / config.ray_num_cpus
    memory = float(resources.get("memory", 0.0)) / (config.ray_memory_mb * _MIB)
    # A hair of slack: Ray reports fractional resources as binary floats.
    return max(0, min(math.floor(cpus + 1e-9), math.floor(memory + 1e-9), config.max_concurrency))


def runner_options(config: RunConfig, node_id: str, slots: int) -> dict[str, Any]:
    """The Ray actor options of a node's runner: its resources, its node, no restarts."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    return {
        "num_cpus": slots * config.ray_num_cpus,
        "memory": slots * config.ray_memory_mb * _MIB,
        "max_concurrency": slots,  # an async actor: `slots` samples on its one loop
        "max_restarts": 0,  # a lost runner's samples are re-queued by the driver
        "scheduling_strategy": NodeAffinitySchedulingStrategy(node_id, soft=False),
    }


@dataclass
class Runner:
    """One node's sample runner as the driver tracks it."""

    node: str
    handle: Any
    slots: int
    created: float
    busy: int = 0
    ready: bool = False
    lost: str = ""
    #: What the runner said about itself once ready (pid, isolated, setup_s).
    info: dict[str, Any] = field(default_factory=dict)
    #: Sample ids in flight on it when it was lost.
    lost_with: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.ready and not self.lost and self.busy < self.slots


class RunnerPool:
    """Creates, tracks and ends the runners of one run."""

    def __init__(self, ray: Any, actor: Any, config: RunConfig) -> None:
        self._ray = ray
        self._actor = actor  # ray.remote(SampleRunner) (or the bench's null runner)
        self._config = config
        self._options = config.model_dump(mode="json")
        self._setup: Any = None
        self.runners: dict[str, Runner] = {}
        #: ``begin()`` futures of the runners still starting.
        self.starting: dict[asyncio.Future[Any], Runner] = {}
        self._looked = -math.inf
        #: Nodes alive but too small for one sample (reported once).
        self.too_small: set[str] = set()

    def look(self, *, force: bool = False) -> None:
        """Start a runner on each alive node that has none (at most every few seconds)."""
        now = time.monotonic()
        if not force and now - self._looked < LOOK_EVERY_S:
            return
        self._looked = now
        for node in self._ray.nodes():
            node_id = str(node["NodeID"])
            if not node.get("Alive") or node_id in self.runners or node_id in self.too_small:
                continue
            slots = node_slots(node.get("Resources", {}), self._config)
            if slots < 1:
                self.too_small.add(node_id)
                continue
            options = runner_options(self._config, node_id, slots)
            handle = self._actor.options(**options).remote(self._options, slots)
            runner = Runner(node_id, handle, slots, created=time.monotonic())
            self.runners[node_id] = runner
            if self._setup is not None:
                self._begin(runner)

    def begin(self, setup_ref: Any) -> None:
        """Give every runner (and those started later) the run: its ``WorkerSetup``."""
        self._setup = setup_ref
        for runner in self.runners.values():
            self._begin(runner)

    def _begin(self, runner: Runner) -> None:
        ref = runner.handle.begin.remote(self._setup)
        self.starting[asyncio.wrap_future(ref.future())] = runner

    def started(self, future: asyncio.Future[Any]) -> None:
        """A runner's ``begin()`` came back: usable now, or lost if it could not start."""
        runner = self.starting.pop(future)
        exc = future.exception()
        if exc is not None:
            self.lose(runner, f"could not start: {describe(exc)}")
            return
        runner.info = {**future.result(), "ready_s": time.monotonic() - runner.created}
        runner.ready = True

    def free(self) -> Runner | None:
        """The usable runner with the most free room (None when all are busy)."""
        usable = [r for r in self.runners.values() if r.usable]
        return max(usable, key=lambda r: (r.slots - r.busy) / r.slots, default=None)

    def lose(self, runner: Runner, why: str) -> None:
        """Stop using ``runner`` for good (and end its actor, if it still exists)."""
        if runner.lost:
            return
        runner.lost = why
        runner.ready = False
        self._ray.kill(runner.handle, no_restart=True)

    def alive(self) -> bool:
        """Some runner is usable now or still starting."""
        return any(not r.lost for r in self.runners.values())

    def lost(self) -> list[Runner]:
        """Runners lost during the run, in the order they were created."""
        return [r for r in self.runners.values() if r.lost]

    async def close(self, timeout_s: float = 2.0) -> None:
        """Close every runner (clients, sandbox workers), then end its actor."""
        live = [r for r in self.runners.values() if not r.lost]
        closing = [asyncio.wrap_future(r.handle.close.remote().future()) for r in live if r.ready]
        if closing:
            await asyncio.wait(closing, timeout=timeout_s)
        for runner in live:
            self._ray.kill(runner.handle, no_restart=True)
        self.starting.clear()


def describe(exc: BaseException) -> str:
    """``Type: first line of the message`` (bounded), for notes and error records."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0][:300]}" if text else type(exc).__name__


class TaskHomes:
    """Which runner a task's samples go to, so each node's caches stay warm.

    A runner's graders share work between samples of one task (``tests_included`` makes
    a mutation run once per task and candidate tests; the sandbox workers keep the
    task's runtime modules imported). Spread at random over the nodes, every node pays
    that once per task. So the first sample of a task makes the runner that takes it the
    task's *home*, and a free runner takes, from the first :data:`AFFINITY_WINDOW`
    queued samples, the first one whose task is its own or has no home yet. When there
    is none it takes the head of the queue anyway (a node never idles while samples
    wait), and a re-queued sample (its runner was lost) always goes first.
    """

    def __init__(self) -> None:
        self._home: dict[str, str] = {}

    def take(
        self, queue: deque[tuple[_T, int]], runner: Runner, task_of: Callable[[_T], str]
    ) -> tuple[_T, int]:
        """Pop the sample ``runner`` should run next (``queue`` is not empty)."""
        if queue[0][1]:
            return queue.popleft()
        for index, (item, _) in enumerate(queue):
            if index >= AFFINITY_WINDOW:
                break
            home = self._home.setdefault(task_of(item), runner.node)
            if home == runner.node:
                del queue[index]
                return item, 0
        return queue.popleft()
