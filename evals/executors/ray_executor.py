"""``--executor ray``: each sample (generation + grading) is one call to a node's runner.

Every node gets one long-lived :class:`~evals.executors._ray_worker.SampleRunner` actor
(``evals.executors._ray_pool``), sized to the node: each sample declares
``ray_num_cpus`` CPUs and ``ray_memory_mb`` of memory and the runner reserves that times
its slots, so a node runs as many samples at once as it has room for, with a sandbox pool
kept warm for them. The driver (``evals run``) sends a sample to the runner with the
most free room, at most ``max_concurrency`` in flight, and appends each result to the run
log as it streams back, in whatever order: the driver is the only writer, so a sample is
recorded once. A runner lost mid-sample (its node died, its process was killed) is never
used again and the samples it held go back to the queue, each at most
``ray_max_retries`` times, then ``infra_error`` (``--resume`` runs it again). Call
arguments hold ids, options and persona texts; never a provider, a client or a key: the
runners build those from their own node's environment.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.errors import AuthenticationError, ConfigError
from evals.executors._base import DriverHooks, ExecutionContext
from evals.executors._ray_pool import LOOK_EVERY_S, Runner, RunnerPool, TaskHomes, describe
from evals.executors._ray_worker import SampleRunner, SampleSpec, WorkerSetup
from evals.runner import PlanItem, RunConfig
from evals.runner._sample import infra_error_sample
from evals.schema import Sample

__all__ = ["LEAN_RAY_ENV", "TASK_NAME", "RayExecutor", "connect", "worker_setup"]

#: Ray registers custom serializers for pyarrow objects in every process, importing
#: pyarrow (0.3-0.5 s of CPU each) the first time it (de)serializes anything; samples
#: never carry pyarrow objects. Set on the driver by :func:`connect`; set them in the
#: nodes' environment too (the local cluster does; docs/scale.md).
LEAN_RAY_ENV = {
    "RAY_DISABLE_CUSTOM_ARROW_JSON_OPTIONS_SERIALIZATION": "1",
    "RAY_DISABLE_CUSTOM_ARROW_DATA_SERIALIZATION": "1",
}

_INSTALL = "pip install 'persona-evals[ray]'"
TASK_NAME = "persona-evals-sample"


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError(f"the ray executor needs Ray: {_INSTALL}", field="--executor") from exc
    return ray


def connect(address: str | None) -> bool:
    """Join the cluster at ``address`` (else ``RAY_ADDRESS``, else start one here).

    Returns True when this call started the connection (the caller shuts it down).
    Usage statistics stay off unless the user turned them on explicitly.
    """
    ray = _import_ray()
    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    for name, value in LEAN_RAY_ENV.items():
        os.environ.setdefault(name, value)
    kwargs: dict[str, Any] = {"logging_level": "WARNING", "log_to_driver": False}
    target = address or os.environ.get("RAY_ADDRESS")
    if not target:
        kwargs["include_dashboard"] = False
    try:
        ray.init(address=target, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        msg = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ConfigError(
            f"cannot join the Ray cluster at {target}: {msg}; check the address "
            "(`ray status` on the head node prints it)",
            field="--address",
        ) from exc
    return True


def worker_setup(ctx: ExecutionContext, items: Sequence[PlanItem]) -> WorkerSetup:
    """The run as the workers see it: options, run dir and suite as absolute paths."""
    from graders._pytest_run import sandbox_modules

    personas = {item.persona.sha256: item.persona for item in items}
    sandboxed = any(g.needs_sandbox for g in ctx.grading.graders.values())
    tasks = {item.task.id: item.task for item in items}.values()
    return WorkerSetup(
        options=ctx.config.model_dump(mode="json"),
        run_dir=str(ctx.run_dir.resolve()),
        suite=str(Path(ctx.config.suite).resolve()),
        personas=tuple(personas.values()),
        preload=tuple(sandbox_modules(tasks)) if sandboxed else None,
    )


@dataclass
class _Call:
    """One sample in flight on one runner."""

    item: PlanItem
    attempt: int
    runner: Runner
    ref: Any
    submitted: float


class RayExecutor:
    """Runs each sample on a node's runner; the driver appends the results."""

    name = "ray"

    def __init__(
        self, config: RunConfig | None = None, *, runner_cls: type[Any] = SampleRunner
    ) -> None:
        """With ``config``, join the cluster and start the runners now.

        They warm up (process, imports, sandbox pool) while the driver loads and plans
        the run; :meth:`execute` then hands them the run. Raises ConfigError when Ray is
        missing or the cluster cannot be joined (before the driver writes anything).
        """
        #: Wall-clock stamps of the driver's phases (for benches: where the fixed cost goes).
        self.stamps: dict[str, float] = {"executor": time.time()}
        self._ray = _import_ray()
        self.stamps["ray_imported"] = time.time()
        self._runner_cls = runner_cls
        self._started_here = False
        #: Samples recorded per Ray node id (for the manifest notes and tests).
        self.per_node: Counter[str] = Counter()
        #: Samples graded on a worker without an isolating sandbox (no bubblewrap there).
        self.not_isolated = 0
        #: Per sample: node, attempt, wall-clock submit/start/end/receive, generation s.
        self.timings: list[dict[str, Any]] = []
        self.pool: RunnerPool | None = None
        if config is not None:
            _refuse_batch(config)
            self._open(config)

    def _open(self, config: RunConfig) -> RunnerPool:
        if self.pool is None:
            self._started_here = connect(config.ray_address)
            self.stamps["connected"] = time.time()
            self.pool = RunnerPool(self._ray, self._ray.remote(self._runner_cls), config)
            self.pool.look(force=True)
            self.stamps["runners_created"] = time.time()
        return self.pool

    async def execute(
        self,
        items: Sequence[PlanItem],
        ctx: ExecutionContext,
        hooks: DriverHooks,
    ) -> list[str]:
        """Run ``items`` on the cluster (see :class:`~evals.executors.Executor`)."""
        config = ctx.config
        _refuse_batch(config)
        if not items:
            return []
        ray = self._ray
        self.stamps["execute"] = time.time()
        try:
            pool = self._open(config)
            pool.begin(ray.put(worker_setup(ctx, items)))
            try:
                auth = await self._stream(items, config, pool, hooks)
            finally:
                self.stamps["streamed"] = time.time()
                await pool.close()
                self.stamps["pool_closed"] = time.time()
        finally:
            if self._started_here:
                ray.shutdown()
            self.stamps["shutdown"] = time.time()
        self._dump_timings()
        if auth is not None:
            raise AuthenticationError(auth)
        return self._notes(pool)

    async def _stream(
        self,
        items: Sequence[PlanItem],
        config: RunConfig,
        pool: RunnerPool,
        hooks: DriverHooks,
    ) -> str | None:
        """Send samples to free runners, record each result as it lands; the auth error."""
        queue: deque[tuple[PlanItem, int]] = deque((item, 0) for item in items)
        homes = TaskHomes()
        pending: dict[asyncio.Future[Any], _Call] = {}
        auth: str | None = None
        try:
            while True:
                pool.look()
                if auth is not None or hooks.stopping():
                    await _drop(queue, hooks)
                while queue and len(pending) < config.max_concurrency:
                    runner = pool.free()
                    if runner is None:
                        break
                    item, attempt = homes.take(queue, runner, _task_id)
                    if attempt == 0 and not await hooks.admit(item):
                        continue
                    call = self._send(runner, item, attempt)
                    pending[asyncio.wrap_future(call.ref.future())] = call
                waiting = set(pending) | set(pool.starting)
                if not waiting:
                    if not queue:
                        return auth
                    pool.look(force=True)
                    if not pool.starting:  # nothing can ever take these samples
                        await self._unplaceable(queue, pool, hooks)
                    continue
                done, _ = await asyncio.wait(
                    waiting, timeout=LOOK_EVERY_S, return_when=asyncio.FIRST_COMPLETED
                )
                for future in done:
                    if future in pool.starting:
                        pool.started(future)
                        continue
                    call = pending.pop(future)
                    call.runner.busy -= 1
                    auth = await self._landed(call, future, config, pool, queue, hooks) or auth
        finally:
            for call in pending.values():  # cancelled driver: free the cluster
                self._ray.cancel(call.ref)
                await hooks.record(call.item, None)
            await _drop(queue, hooks)

    def _send(self, runner: Runner, item: PlanItem, attempt: int) -> _Call:
        # The sample id in the call's name: the node's worker process title (and
        # `ray list tasks`) say which sample runs where.
        method = runner.handle.run.options(name=f"{TASK_NAME}:{item.sample_id}")
        runner.busy += 1
        return _Call(item, attempt, runner, method.remote(SampleSpec.of(item)), time.time())

    async def _landed(
        self,
        call: _Call,
        future: asyncio.Future[Any],
        config: RunConfig,
        pool: RunnerPool,
        queue: deque[tuple[PlanItem, int]],
        hooks: DriverHooks,
    ) -> str | None:
        """Record one finished call (or re-queue it: its runner was lost); the auth error."""
        exc = future.exception()
        item = call.item
        if isinstance(exc, self._ray.exceptions.RayActorError):
            call.runner.lost_with.append(item.sample_id)
            pool.lose(call.runner, describe(exc))
            if call.attempt < config.ray_max_retries:
                queue.appendleft((item, call.attempt + 1))  # next, on another runner
                return None
            failure = f"ray: {config.ray_max_retries} retries spent: {describe(exc)}"
            await hooks.record(item, infra_error_sample(item, failure))
            return None
        if exc is not None:  # the call itself raised: recorded, not retried
            await hooks.record(item, infra_error_sample(item, f"ray: {describe(exc)}"))
            return None
        result: dict[str, Any] = future.result()
        if "auth" in result:  # the provider rejected this node's credentials
            await hooks.record(item, None)
            return str(result["auth"])
        runner = call.runner
        self.per_node[runner.node] += 1
        if not runner.info.get("isolated", True):
            self.not_isolated += 1
        self.timings.append(
            {
                "sample_id": item.sample_id,
                "node": runner.node,
                "attempt": call.attempt,
                "t_submit": call.submitted,
                "t_start": result.get("t_start"),
                "t_end": result.get("t_end"),
                "t_recv": time.time(),
                "gen_s": result.get("gen_s"),
            }
        )
        await hooks.record(item, Sample.model_validate_json(result["sample"]))
        return None

    async def _unplaceable(
        self, queue: deque[tuple[PlanItem, int]], pool: RunnerPool, hooks: DriverHooks
    ) -> None:
        lost = [r.lost for r in pool.lost()]
        why = (
            f"ray: no live node can take a sample ({len(pool.lost())} runner(s) lost: {lost[-1]})"
            if lost
            else "ray: no node has room for one sample (--ray-num-cpus / --ray-memory-mb)"
        )
        while queue:
            item, _ = queue.popleft()
            await hooks.record(item, infra_error_sample(item, why))

    def _dump_timings(self) -> None:
        """``EVALS_RAY_TIMINGS=FILE``: append this run's per-sample timings (for benches)."""
        path = os.environ.get("EVALS_RAY_TIMINGS")
        if not path or self.pool is None:
            return
        runners = [
            {"node": r.node, "slots": r.slots, "lost": r.lost, **r.info}
            for r in self.pool.runners.values()
        ]
        with open(path, "a", encoding="utf-8") as out:
            record = {"runners": runners, "samples": self.timings, "stamps": self.stamps}
            out.write(json.dumps(record) + "\n")

    def _notes(self, pool: RunnerPool) -> list[str]:
        spread = ", ".join(f"{node[:8]}: {n}" for node, n in sorted(self.per_node.items()))
        notes = [
            f"executor ray: {sum(self.per_node.values())} samples on "
            f"{len(self.per_node)} node(s) ({spread})"
        ]
        ready = [r.info["ready_s"] for r in pool.runners.values() if "ready_s" in r.info]
        if ready:
            notes.append(
                f"executor ray: {len(ready)} runner(s), "
                f"{sum(r.slots for r in pool.runners.values())} slot(s), ready in "
                f"{min(ready):.1f}-{max(ready):.1f}s"
            )
        if self.not_isolated:
            notes.append(
                f"executor ray: NOT ISOLATED: {self.not_isolated} sample(s) graded on workers "
                "without bubblewrap (install it on every node; docs/scale.md)"
            )
        for runner in pool.lost():
            held = runner.lost_with
            ids = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
            notes.append(
                f"executor ray: node {runner.node[:8]} lost ({runner.lost}); "
                + (
                    f"{len(held)} sample(s) in flight there re-queued: {ids}"
                    if held
                    else "no sample was in flight there"
                )
            )
        return notes


def _refuse_batch(config: RunConfig) -> None:
    if config.batch:
        raise ConfigError(
            "a Message Batch is collected in one process; use --executor local with "
            "--batch, or drop --batch on Ray",
            field="--batch",
        )


def _task_id(item: PlanItem) -> str:
    return item.task.id


async def _drop(queue: deque[tuple[PlanItem, int]], hooks: DriverHooks) -> None:
    """Forget the queued samples (they stay missing); settle those already admitted."""
    while queue:
        item, attempt = queue.popleft()
        if attempt:
            await hooks.record(item, None)
