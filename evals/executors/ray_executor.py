"""``--executor ray``: each sample (generation + grading) is one Ray task on a cluster.

The driver (``evals run``) plans, submits at most ``max_concurrency`` tasks at a time, and
appends each result to the run log as it streams back, in whatever order the cluster
finishes them: the driver is the only writer, so a sample is recorded once. A task whose
worker process or node dies is re-run by Ray on a live node (``ray_max_retries``, system
failures only); when the retries run out the sample is recorded as ``infra_error`` and
``--resume`` runs it again. Each task declares ``ray_num_cpus`` CPUs and
``ray_memory_mb`` of memory, so Ray packs samples onto nodes that have room for the
sandbox. Task arguments hold ids, options and persona texts; never a provider, a client
or a key: workers build those from their own environment (``evals.executors._ray_worker``).
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evals.errors import AuthenticationError, ConfigError
from evals.executors._base import DriverHooks, ExecutionContext
from evals.executors._ray_worker import SampleSpec, WorkerSetup, run_sample_task
from evals.runner import PlanItem, RunConfig
from evals.runner._sample import infra_error_sample
from evals.schema import Sample

__all__ = ["TASK_NAME", "RayExecutor", "connect", "submitter", "task_options", "worker_setup"]

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


def task_options(config: RunConfig) -> dict[str, Any]:
    """The resources and retry policy each sample's Ray task declares."""
    return {
        "num_cpus": config.ray_num_cpus,
        "memory": config.ray_memory_mb * 1024 * 1024,
        "max_retries": config.ray_max_retries,  # worker/node died: re-run elsewhere
        "retry_exceptions": False,  # a sample's own errors are recorded, not retried
        "scheduling_strategy": "SPREAD",
        "name": TASK_NAME,
    }


def submitter(
    ray: Any, fn: Callable[..., Any], config: RunConfig, setup_ref: Any
) -> Callable[[PlanItem], Any]:
    """``submit(item) -> ObjectRef``: one task of ``fn(setup, spec)`` per plan item."""
    remote = ray.remote(fn)
    options = task_options(config)

    def submit(item: PlanItem) -> Any:
        # The sample id in the task name: `ray list tasks` and the worker's process
        # title say which sample runs where.
        named = remote.options(**{**options, "name": f"{TASK_NAME}:{item.sample_id}"})
        return named.remote(setup_ref, SampleSpec.of(item))

    return submit


def worker_setup(ctx: ExecutionContext, items: Sequence[PlanItem]) -> WorkerSetup:
    """The run as the workers see it: options, run dir and suite as absolute paths."""
    personas = {item.persona.sha256: item.persona for item in items}
    return WorkerSetup(
        options=ctx.config.model_dump(mode="json"),
        run_dir=str(ctx.run_dir.resolve()),
        suite=str(Path(ctx.config.suite).resolve()),
        personas=tuple(personas.values()),
    )


def _failure(exc: BaseException, retries: int) -> str:
    kind = type(exc).__name__
    detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return f"ray: {kind} after {retries} retries: {detail}".rstrip(": ")


class RayExecutor:
    """Runs each sample as a Ray task; the driver appends the results."""

    name = "ray"

    def __init__(self) -> None:
        self._ray = _import_ray()
        #: Samples recorded per Ray node id (for the manifest notes and tests).
        self.per_node: Counter[str] = Counter()
        #: Samples graded on a worker without an isolating sandbox (no bubblewrap there).
        self.not_isolated = 0

    async def execute(
        self,
        items: Sequence[PlanItem],
        ctx: ExecutionContext,
        hooks: DriverHooks,
    ) -> list[str]:
        """Run ``items`` on the cluster (see :class:`~evals.executors.Executor`)."""
        config = ctx.config
        if config.batch:
            raise ConfigError(
                "a Message Batch is collected in one process; use --executor local with "
                "--batch, or drop --batch on Ray",
                field="--batch",
            )
        if not items:
            return []
        ray = self._ray
        started_here = connect(config.ray_address)
        try:
            alive_before = _alive_nodes(ray)
            setup_ref = ray.put(worker_setup(ctx, items))
            submit = submitter(ray, run_sample_task, config, setup_ref)
            auth = await self._stream(items, config, submit, hooks)
            lost = sorted(alive_before - _alive_nodes(ray))
        finally:
            if started_here:
                ray.shutdown()
        if auth is not None:
            raise AuthenticationError(auth)
        return self._notes(lost)

    async def _stream(
        self,
        items: Sequence[PlanItem],
        config: RunConfig,
        submit: Callable[[PlanItem], Any],
        hooks: DriverHooks,
    ) -> str | None:
        """Submit within the window, record each result as it lands; the auth error."""
        queue = list(reversed(items))
        pending: dict[asyncio.Future[Any], tuple[PlanItem, Any]] = {}
        auth: str | None = None
        try:
            while True:
                while queue and len(pending) < config.max_concurrency:
                    if auth is not None or hooks.stopping():
                        queue.clear()
                        break
                    item = queue.pop()
                    if not await hooks.admit(item):
                        continue
                    ref = submit(item)
                    pending[asyncio.wrap_future(ref.future())] = (item, ref)
                if not pending:
                    return auth
                done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for future in done:
                    item, _ref = pending.pop(future)
                    sample = self._sample(item, future, config)
                    if sample is None:  # the provider rejected this worker's key
                        auth = auth or str(future.result()["auth"])
                    await hooks.record(item, sample)
        finally:
            for item, ref in pending.values():  # cancelled driver: free the cluster
                self._ray.cancel(ref)
                await hooks.record(item, None)

    def _sample(
        self, item: PlanItem, future: asyncio.Future[Any], config: RunConfig
    ) -> Sample | None:
        exc = future.exception()
        if exc is not None:  # retries exhausted (or the task itself could not run)
            return infra_error_sample(item, _failure(exc, config.ray_max_retries))
        result: dict[str, Any] = future.result()
        if "auth" in result:
            return None
        self.per_node[str(result.get("node", "?"))] += 1
        if not result.get("isolated", True):
            self.not_isolated += 1
        return Sample.model_validate_json(result["sample"])

    def _notes(self, lost: list[str]) -> list[str]:
        spread = ", ".join(f"{node[:8]}: {n}" for node, n in sorted(self.per_node.items()))
        notes = [
            f"executor ray: {sum(self.per_node.values())} samples on "
            f"{len(self.per_node)} node(s) ({spread})"
        ]
        if self.not_isolated:
            notes.append(
                f"executor ray: NOT ISOLATED: {self.not_isolated} sample(s) graded on workers "
                "without bubblewrap (install it on every node; docs/scale.md)"
            )
        if lost:
            # Best effort: the cluster marks a node dead only after its health checks
            # fail (seconds), so a node lost near the end may not be listed here.
            notes.append(
                f"executor ray: {len(lost)} node(s) lost during the run "
                f"({', '.join(n[:8] for n in lost)}); their samples were re-run elsewhere"
            )
        return notes


def _alive_nodes(ray: Any) -> set[str]:
    return {str(n["NodeID"]) for n in ray.nodes() if n.get("Alive")}
