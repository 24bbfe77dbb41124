"""The driver's own ceiling: samples/s one driver can send, receive and append at most.

Runners that return a finished sample at once (:class:`NullRunner`), each appended and
``fsync``'d to a scratch run log exactly as a real run appends. ``evals bench ray`` runs
this module (``python -m evals.executors.bench_ceiling ADDRESS SUITE PERSONA EPOCHS``)
where it can reach the cluster; it prints one JSON line ``{"n": ..., "per_s": ...}``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["NullRunner", "driver_ceiling"]

_PAD = "x" * 8000  # a typical sample line is several KB (prompt, output, files, grades)


class NullRunner:
    """A runner that finishes a sample at once (measures the driver, not the work)."""

    def __init__(self, setup: Any, slots: int = 1) -> None:
        self.slots = slots

    async def begin(self, setup: Any) -> dict[str, Any]:
        return {"node": "bench", "pid": os.getpid(), "slots": self.slots, "isolated": True}

    async def run(self, spec: Any) -> dict[str, Any]:
        from evals.schema import Sample

        sample = Sample(
            sample_id=spec.sample_id,
            task_id=spec.task_id,
            model=spec.model,
            persona="bench",
            persona_ref="bench",
            persona_sha=spec.persona_sha,
            epoch=spec.epoch,
            output=_PAD,
        )
        return {"sample": sample.model_dump_json()}

    async def close(self) -> None:
        return None


def driver_ceiling(address: str, suite: str, persona: str, n_epochs: int) -> tuple[int, float]:
    """Samples/s one driver can send, receive and append (``fsync`` each) at most."""
    from evals.executors._base import DriverHooks, ExecutionContext
    from evals.executors.ray_executor import RayExecutor, connect
    from evals.persona import load_persona
    from evals.providers import get_provider
    from evals.runner import GradingPlan, RunConfig, RunLog, build_plan
    from evals.tasks import load_suite

    config = RunConfig(
        suite=suite,
        personas=[persona],
        models=["oracle/gold", "oracle/flawed"],
        epochs=n_epochs,
        executor="ray",
        ray_address=address,
        max_concurrency=64,
        ray_num_cpus=0.02,  # null samples: many slots per node
        ray_memory_mb=64,
    )
    providers = [get_provider(m) for m in config.models]
    plan = build_plan([load_persona(persona)], providers, load_suite(suite).select(None), n_epochs)
    connect(address)
    with tempfile.TemporaryDirectory() as tmp:
        log = RunLog(Path(tmp))
        ctx = ExecutionContext(config, Path(tmp), GradingPlan({}), None)

        async def admit(item: Any) -> bool:
            return True

        stamps: list[float] = []

        async def append(item: Any, sample: Any) -> None:
            log.append(sample)  # the real per-sample driver work: one line, fsync'd
            stamps.append(time.perf_counter())

        hooks = DriverHooks(admit=admit, record=append, stopping=lambda: False)
        asyncio.run(RayExecutor(runner_cls=NullRunner).execute(plan, ctx, hooks))
        log.close()
    # Steady state: first append to last (the runners' start-up is not the driver's).
    return len(plan), (len(stamps) - 1) / (stamps[-1] - stamps[0])


def _main(argv: Sequence[str]) -> None:
    address, suite, persona, epochs = argv
    n, per_s = driver_ceiling(address, suite, persona, int(epochs))
    print(json.dumps({"n": n, "per_s": per_s}))


if __name__ == "__main__":
    _main(sys.argv[1:])
