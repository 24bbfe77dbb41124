"""``evals bench ray``: the same plans on the local executor and on a local Ray cluster.

Every run goes through the real ``evals run`` CLI in a subprocess. Runs are interleaved
(local, ray, then ray, local, ...) so drift in the machine's load falls on both, each
run's load average is kept, and a ratio is the quotient of medians. Two plan sizes are
run, so each executor's wall time splits into a fixed start-up cost and a per-sample cost
(``wall = fixed + per_sample x samples``, through the two medians): Ray's fixed cost
(import and join the cluster, start one runner per node) is paid once per run, so the
ratio on a plan depends on its size, and the bench says at which size Ray comes within
the target. The Ray runs also report where their time went (``EVALS_RAY_TIMINGS``):
driver start-up to the first sample sent, runner start-up, and per sample the queue,
generation, grading and return legs.

Then the driver's own ceiling is measured (runners that return a finished sample at once,
each appended and ``fsync``'d to a scratch run log exactly as a real run appends), and the
scaling curve follows from a stated model: ``k`` nodes of ``c`` sample slots, each sample
occupying a slot for ``S`` seconds, give ``min(k * c / S, ceiling)`` samples per second
(the driver is the single writer, so its ceiling bounds any cluster).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Fit", "NullRunner", "RayBench", "RayRun", "bench_ray", "curve", "driver_ceiling"]

_PAD = "x" * 8000  # a typical sample line is several KB (prompt, output, files, grades)


@dataclass
class RayRun:
    """One timed ``evals run``: wall seconds, load before it, and (Ray) where time went."""

    executor: str
    samples: int
    wall_s: float
    load: str
    #: Ray only: median seconds of each leg (see :func:`legs`).
    legs: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Fit:
    """``wall = fixed_s + per_sample_s x samples`` through two plan sizes' medians."""

    fixed_s: float
    per_sample_s: float

    @classmethod
    def through(cls, small: tuple[int, float], large: tuple[int, float]) -> Fit:
        """The line through ``(samples, median wall)`` of a small and a large plan."""
        (n1, t1), (n2, t2) = small, large
        per = (t2 - t1) / (n2 - n1)
        return cls(t1 - per * n1, per)


@dataclass
class RayBench:
    """Figures of one ``evals bench ray`` invocation."""

    nodes: int
    slots: float
    load_before: str
    load_after: str = ""
    cluster_start_s: float = 0.0
    runs: list[RayRun] = field(default_factory=list)
    identical: bool = False
    ceiling_per_s: float = 0.0

    def sizes(self) -> list[int]:
        """The plan sizes run (samples), smallest first."""
        return sorted({r.samples for r in self.runs})

    def walls(self, executor: str, samples: int) -> list[float]:
        """Wall seconds of every run of ``executor`` on the plan of ``samples``."""
        return [r.wall_s for r in self.runs if r.executor == executor and r.samples == samples]

    def median(self, executor: str, samples: int) -> float:
        """Median wall seconds of ``executor`` on the plan of ``samples``."""
        return statistics.median(self.walls(executor, samples))

    def ratio(self, samples: int) -> float:
        """Median Ray wall time over median local wall time on that plan."""
        return self.median("ray", samples) / self.median("local", samples)

    def fit(self, executor: str) -> Fit | None:
        """Fixed and per-sample cost of ``executor`` (None with one plan size)."""
        sizes = self.sizes()
        if len(sizes) < 2:
            return None
        small, large = sizes[0], sizes[-1]
        return Fit.through(
            (small, self.median(executor, small)), (large, self.median(executor, large))
        )

    def break_even(self, target: float) -> float | None:
        """Plan size (samples) from which Ray is within ``target`` x local (None: never)."""
        local, ray = self.fit("local"), self.fit("ray")
        if local is None or ray is None:
            return None
        slack = target * local.per_sample_s - ray.per_sample_s
        if slack <= 0:
            return None  # Ray's per-sample cost alone is over the target
        return max(0.0, (ray.fixed_s - target * local.fixed_s) / slack)

    @property
    def service_s(self) -> float:
        """Seconds one sample occupies one slot on the cluster (median generation+grading)."""
        return statistics.median(r.legs["gen_s"] + r.legs["grade_s"] for r in self.runs if r.legs)


def curve(
    service_s: float, slots_per_node: float, ceiling: float, nodes: Sequence[int]
) -> list[tuple[int, float, str]]:
    """Predicted samples/s at each node count, and what bounds it (the module's model)."""
    out = []
    for k in nodes:
        compute = k * slots_per_node / service_s
        out.append((k, min(compute, ceiling), "nodes" if compute < ceiling else "driver"))
    return out


def legs(timings: dict[str, Any], launched: float, exited: float) -> dict[str, float]:
    """Median seconds of each leg of one Ray run, from its ``EVALS_RAY_TIMINGS`` record.

    ``driver_start`` = process launch to the first sample sent; ``runner_ready`` = the
    slowest runner's start-up (process, imports, warm sandbox pool); per sample ``queue``
    (sent to started on the node), ``gen_s``, ``grade_s`` and ``return`` (finished to
    recorded); ``driver_exit`` = last sample recorded to process exit.
    """
    rows = timings["samples"]
    ready = [r["ready_s"] for r in timings["runners"] if "ready_s" in r]

    def med(f: Any) -> float:
        return float(statistics.median(f(r) for r in rows))

    return {
        "driver_start": min(r["t_submit"] for r in rows) - launched,
        "runner_ready": max(ready, default=0.0),
        "queue": med(lambda r: r["t_start"] - r["t_submit"]),
        "gen_s": med(lambda r: r["gen_s"]),
        "grade_s": med(lambda r: r["t_end"] - r["t_start"] - r["gen_s"]),
        "return": med(lambda r: r["t_recv"] - r["t_end"]),
        "driver_exit": exited - max(r["t_recv"] for r in rows),
    }


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


def _evals() -> str:
    return str(Path(sys.executable).with_name("evals"))


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Run ``argv``; (wall seconds, launch wall clock, exit wall clock)."""
    launched = time.time()
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:6])} ... failed: {done.stderr[-800:]}")
    return elapsed, launched, time.time()


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
    epochs: Sequence[int],
    nodes: int,
    cpus_per_node: int,
    repeats: int,
    ceiling_epochs: int,
) -> RayBench:
    """Run the comparison (see the module docstring); needs root for the namespace."""
    from evals.executors.local_cluster import LocalRayCluster

    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    started = time.perf_counter()
    slots = nodes * cpus_per_node
    result = RayBench(nodes, slots, _load())
    with (
        tempfile.TemporaryDirectory(prefix="pe-bench-") as tmp,
        LocalRayCluster(workers=nodes - 1, cpus_per_node=cpus_per_node, env=env) as cluster,
    ):
        result.cluster_start_s = time.perf_counter() - started
        timings = Path(tmp) / "timings.jsonl"
        grades: dict[str, list[dict[str, list[tuple[Any, ...]]]]] = {"local": [], "ray": []}
        step = 0
        for i in range(repeats):
            for n_epochs in epochs:
                # Alternate who goes first, so a load trend does not favour either.
                order = ("local", "ray") if step % 2 == 0 else ("ray", "local")
                step += 1
                for executor in order:
                    out = Path(tmp) / f"{executor}-{n_epochs}-{i}"
                    argv = _run_argv(suite, persona, n_epochs, slots, out)
                    load = _load()
                    if executor == "local":
                        wall, _, _ = _timed([*argv, "--grade-workers", str(slots)])
                        trace: dict[str, float] = {}
                    else:
                        timings.unlink(missing_ok=True)
                        ray_argv = [*argv, "--executor", "ray", "--address", cluster.address]
                        wall, launched, exited = _timed(
                            cluster.wrap(ray_argv), env={**env, "EVALS_RAY_TIMINGS": str(timings)}
                        )
                        record = json.loads(timings.read_text().splitlines()[-1])
                        trace = legs(record, launched, exited)
                    run_grades = _grades(out)
                    grades[executor].append(run_grades)
                    result.runs.append(RayRun(executor, len(run_grades), wall, load, trace))
        by_plan = {len(g): g for g in grades["local"]}
        result.identical = all(g == by_plan.get(len(g)) for g in grades["ray"])
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
    result.load_after = _load()
    return result


def _run_argv(suite: str, persona: str, epochs: int, slots: int, out: Path) -> list[str]:
    """The ``evals run`` both executors are timed on (``slots`` samples graded at once)."""
    return [
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
        str(2 * slots),
        "--out",
        str(out),
    ]


def _main(argv: Sequence[str]) -> None:
    address, suite, persona, epochs = argv
    n, per_s = driver_ceiling(address, suite, persona, int(epochs))
    print(json.dumps({"n": n, "per_s": per_s}))


if __name__ == "__main__":
    _main(sys.argv[1:])
