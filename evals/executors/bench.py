"""``evals bench ray``: the same plan on the local executor and on a local Ray cluster.

Both runs go through the real ``evals run`` CLI in subprocesses, alternating, so each
figure pays the same start-up costs and sees the same machine load; the ratio is taken
between runs of the same invocation. Then the driver's own ceiling is measured (Ray tasks
that return a finished sample at once, appended to a scratch run log exactly as a real
run appends), and the scaling curve follows: ``k`` nodes of ``c`` sample slots, each
sample taking ``S`` seconds, give ``min(k * c / S, ceiling)`` samples per second.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["RayBench", "bench_ray", "curve", "driver_ceiling", "null_sample_task"]

_PAD = "x" * 8000  # a typical sample line is several KB (prompt, output, files, grades)


@dataclass
class RayBench:
    """Figures of one ``evals bench ray`` invocation."""

    samples: int
    nodes: int
    slots: float
    load_before: str
    load_after: str = ""
    cluster_start_s: float = 0.0
    local_s: list[float] = field(default_factory=list)
    ray_s: list[float] = field(default_factory=list)
    identical: bool = False
    ceiling_per_s: float = 0.0

    @property
    def ratio(self) -> float:
        """Ray wall time over local wall time (best of each): below 1.2 is the target."""
        return min(self.ray_s) / min(self.local_s)

    @property
    def service_s(self) -> float:
        """Seconds one sample occupies one slot on the cluster, as measured."""
        return min(self.ray_s) * self.slots / self.samples


def curve(
    service_s: float, slots_per_node: float, ceiling: float, nodes: Sequence[int]
) -> list[tuple[int, float, str]]:
    """Predicted samples/s at each node count, and what bounds it."""
    out = []
    for k in nodes:
        compute = k * slots_per_node / service_s
        out.append((k, min(compute, ceiling), "nodes" if compute < ceiling else "driver"))
    return out


def null_sample_task(setup: Any, spec: Any) -> dict[str, Any]:
    """A Ray task that finishes a sample at once (measures the driver, not the work)."""
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
    return {"sample": sample.model_dump_json(), "node": "bench", "pid": os.getpid()}


def driver_ceiling(address: str, suite: str, persona: str, n_epochs: int) -> tuple[int, float]:
    """Samples/s one driver can submit, receive and append (``fsync`` each) at most."""
    import ray

    from evals.executors._base import DriverHooks, ExecutionContext
    from evals.executors.ray_executor import RayExecutor, connect, submitter, worker_setup
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
        ray_num_cpus=0.5,
        ray_memory_mb=64,
    )
    providers = [get_provider(m) for m in config.models]
    plan = build_plan([load_persona(persona)], providers, load_suite(suite).select(None), n_epochs)
    connect(address)
    with tempfile.TemporaryDirectory() as tmp:
        log = RunLog(Path(tmp))
        ctx = ExecutionContext(config, Path(tmp), GradingPlan({}), None)
        setup = ray.put(worker_setup(ctx, plan))
        submit = submitter(ray, null_sample_task, config, setup)

        async def admit(item: Any) -> bool:
            return True

        async def drop(item: Any, sample: Any) -> None:
            return None

        async def append(item: Any, sample: Any) -> None:
            log.append(sample)  # the real per-sample driver work: one line, fsync'd

        executor = RayExecutor()
        warm = DriverHooks(admit=admit, record=drop, stopping=lambda: False)
        asyncio.run(executor._stream(plan[:64], config, submit, warm))
        hooks = DriverHooks(admit=admit, record=append, stopping=lambda: False)
        started = time.perf_counter()
        asyncio.run(executor._stream(plan, config, submit, hooks))
        elapsed = time.perf_counter() - started
        log.close()
    return len(plan), len(plan) / elapsed


def _evals() -> str:
    return str(Path(sys.executable).with_name("evals"))


def _timed(argv: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:6])} ... failed: {done.stderr[-800:]}")
    return elapsed


def _grades(run_dir: Path) -> dict[str, list[tuple[Any, ...]]]:
    from evals.runner import read_samples

    return {
        s.sample_id: sorted((g.grader, tuple(g.rule_ids), g.verdict, g.score) for g in s.grades)
        for s in read_samples(run_dir)
    }


def bench_ray(
    *,
    suite: str,
    persona: str,
    epochs: int,
    nodes: int,
    cpus_per_node: int,
    repeats: int,
    ceiling_epochs: int,
) -> RayBench:
    """Run the comparison (see the module docstring); needs root for the namespace."""
    from evals.executors.local_cluster import LocalRayCluster

    load = Path("/proc/loadavg").read_text().strip()
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="pe-bench-") as tmp,
        LocalRayCluster(workers=nodes - 1, cpus_per_node=cpus_per_node, env=env) as cluster,
    ):
        result = RayBench(0, nodes, nodes * cpus_per_node, load)
        result.cluster_start_s = time.perf_counter() - started
        base = [
            _evals(),
            "run",
            "--suite",
            suite,
            "--persona",
            persona,
            "-m",
            "oracle/gold",
            "-m",
            "oracle/flawed",
            "--epochs",
            str(epochs),
            "--no-report",
            "--no-cache",
            "--max-concurrency",
            str(2 * nodes * cpus_per_node),
        ]
        for i in range(repeats):
            local, remote = Path(tmp) / f"local{i}", Path(tmp) / f"ray{i}"
            result.local_s.append(
                _timed([*base, "--out", str(local), "--grade-workers", str(nodes * cpus_per_node)])
            )
            result.ray_s.append(
                _timed(
                    cluster.wrap(
                        [
                            *base,
                            "--out",
                            str(remote),
                            "--executor",
                            "ray",
                            "--address",
                            cluster.address,
                        ]
                    )
                )
            )
        expected = _grades(Path(tmp) / "local0")
        result.samples = len(expected)
        result.identical = all(_grades(Path(tmp) / f"ray{i}") == expected for i in range(repeats))
        probe = [
            sys.executable,
            "-m",
            "evals.executors.bench",
            cluster.address,
            suite,
            persona,
            str(ceiling_epochs),
        ]
        done = subprocess.run(cluster.wrap(probe), capture_output=True, text=True, check=True)
        result.ceiling_per_s = float(json.loads(done.stdout.strip().splitlines()[-1])["per_s"])
    result.load_after = Path("/proc/loadavg").read_text().strip()
    return result


def _main(argv: Sequence[str]) -> None:
    address, suite, persona, epochs = argv
    n, per_s = driver_ceiling(address, suite, persona, int(epochs))
    print(json.dumps({"n": n, "per_s": per_s}))


if __name__ == "__main__":
    _main(sys.argv[1:])
