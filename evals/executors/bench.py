"""``evals bench ray``: the same plan on the local executor and on a local Ray cluster.

What a user pays for Ray, measured in one invocation:

- **cluster start-up**, once: starting the head and worker nodes (a local cluster on
  127.0.0.1 here); zero when the nodes already run (``--address`` of an existing
  cluster). It is printed apart and is in none of the runs' times.
- **per run**: every run is one real ``evals run`` process in a subprocess, timed from
  launch to exit, so each side pays its own start-up (imports; for Ray also joining the
  cluster and starting one runner per node) and its own exit. Throughput is samples over
  that wall time.

Runs are interleaved (local, ray, then ray, local, ...) so a drift in the machine's load
falls on both, each run's load average is kept, and a ratio is the quotient of medians.
Where a writable cgroup v1 ``cpuacct`` exists (root), each run's CPU seconds are counted
by the kernel over every process it caused: the local run and its sandbox workers; the
Ray driver plus the cluster's nodes (raylets, runners, their sandbox workers) during the
run. CPU time depends much less on other work than wall time does. Given two plan sizes
(``--epochs`` twice), each executor's wall time also splits into a fixed and a
per-sample cost (``wall = fixed + per_sample x samples``) and the bench says from which
plan size Ray is within the target. The Ray runs report where their time went
(``EVALS_RAY_TIMINGS``, see :func:`legs`).

Then the driver's own ceiling is measured (:mod:`evals.executors.bench_ceiling`), and the
scaling curve follows from a stated model: ``k`` nodes of ``c`` sample slots, each sample
occupying a slot for ``S`` seconds, give ``min(k * c / S, ceiling)`` samples per second
(the driver is the single writer, so its ceiling bounds any cluster).
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.executors._cpuacct import CpuGroup, cpu_groups_unavailable

__all__ = ["Fit", "RayBench", "RayRun", "bench_ray", "curve", "legs"]


@dataclass
class RayRun:
    """One timed ``evals run``: wall seconds, load before it, and (Ray) where time went."""

    executor: str
    samples: int
    wall_s: float
    load: str
    #: Ray only: median seconds of each leg (see :func:`legs`).
    legs: dict[str, float] = field(default_factory=dict)
    #: CPU seconds of the run by where they were spent (``local``; Ray: ``driver`` and
    #: ``cluster``); empty when CPU groups are unavailable.
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def cpu_s(self) -> float | None:
        """Total CPU seconds the run cost (None when not measured)."""
        return sum(self.cpu.values()) if self.cpu else None


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
    #: Seconds to start the cluster's nodes (0.0: an existing cluster, ``--address``).
    cluster_start_s: float = 0.0
    #: Why CPU seconds were not measured (None: they were).
    cpu_unavailable: str | None = None
    #: CPU seconds per wall second the idle cluster used while local runs ran.
    cluster_idle_cpu: float | None = None
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

    def cpu_median(self, executor: str, samples: int) -> float | None:
        """Median CPU seconds of ``executor`` on the plan of ``samples`` (None: unmeasured)."""
        cpu = [r.cpu_s for r in self.runs if r.executor == executor and r.samples == samples]
        known = [c for c in cpu if c is not None]
        return statistics.median(known) if known else None

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


def _evals() -> str:
    return str(Path(sys.executable).with_name("evals"))


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _timed(
    argv: list[str], env: dict[str, str], preexec: Callable[[], None] | None
) -> tuple[float, float, float]:
    """Run ``argv``; (wall seconds, launch wall clock, exit wall clock)."""
    launched = time.time()
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, preexec_fn=preexec)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:6])} ... failed: {done.stderr[-800:]}")
    return elapsed, launched, time.time()


class _Meter:
    """The bench's CPU groups: local runs, Ray drivers, and the cluster's nodes."""

    def __init__(self, stack: contextlib.ExitStack, reason: str | None) -> None:
        self.unavailable = reason or cpu_groups_unavailable()
        self.groups: dict[str, CpuGroup] = {}
        if self.unavailable is None:
            for name in ("local", "driver", "cluster"):
                group = self.groups[name] = CpuGroup(name)
                stack.callback(group.close)
        #: The idle cluster's CPU seconds and the wall seconds of the local runs.
        self.idle = [0.0, 0.0]

    def adopt(self, pids: Callable[[], list[int]]) -> None:
        """Put the cluster's processes in its group (twice: children forked meanwhile)."""
        if "cluster" in self.groups:
            for _ in range(2):
                self.groups["cluster"].adopt(pids())

    def preexec(self, name: str) -> Callable[[], None] | None:
        group = self.groups.get(name)
        return group.join if group else None

    def read(self) -> dict[str, float]:
        return {name: group.seconds() for name, group in self.groups.items()}

    def spent(self, before: dict[str, float], executor: str, wall: float) -> dict[str, float]:
        """CPU seconds of the run that started at ``before``, by where they went."""
        if not self.groups:
            return {}
        delta = {name: s - before[name] for name, s in self.read().items()}
        if executor == "local":
            self.idle[0] += delta["cluster"]
            self.idle[1] += wall
            return {"local": delta["local"]}
        return {"driver": delta["driver"], "cluster": delta["cluster"]}


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
    epochs: Sequence[int | None],
    nodes: int,
    cpus_per_node: int,
    repeats: int,
    ceiling_epochs: int,
    address: str | None = None,
) -> RayBench:
    """Run the comparison (see the module docstring).

    ``epochs`` lists the plans (None: the suite's own epochs). Without ``address`` a
    local cluster of ``nodes`` x ``cpus_per_node`` is started (root: its namespace);
    with one, the runs join that cluster, which should have that many slots.
    """
    from evals.executors.local_cluster import LocalRayCluster

    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    slots = nodes * cpus_per_node
    result = RayBench(nodes, slots, _load())
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pe-bench-")))
        meter = _Meter(stack, "the cluster is not this bench's (--address)" if address else None)
        result.cpu_unavailable = meter.unavailable
        wrap: Callable[[list[str]], list[str]] = list
        if address is None:
            started = time.perf_counter()
            cluster = LocalRayCluster(workers=nodes - 1, cpus_per_node=cpus_per_node, env=env)
            stack.enter_context(cluster)
            result.cluster_start_s = time.perf_counter() - started
            meter.adopt(lambda: [pid for node in cluster.nodes for pid in node.pids()])
            wrap, address = cluster.wrap, cluster.address
        timings = tmp / "timings.jsonl"
        grades: dict[str, list[dict[str, list[tuple[Any, ...]]]]] = {"local": [], "ray": []}
        step = 0
        for i in range(repeats):
            for n_epochs in epochs:
                # Alternate who goes first, so a load trend does not favour either.
                order = ("local", "ray") if step % 2 == 0 else ("ray", "local")
                step += 1
                for executor in order:
                    out = tmp / f"{executor}-{n_epochs}-{i}"
                    argv = _run_argv(suite, persona, n_epochs, slots, out)
                    load, before = _load(), meter.read()
                    trace: dict[str, float] = {}
                    if executor == "local":
                        argv += ["--grade-workers", str(slots)]
                        wall, _, _ = _timed(argv, env, meter.preexec("local"))
                    else:
                        timings.unlink(missing_ok=True)
                        argv += ["--executor", "ray", "--address", address]
                        ray_env = {**env, "EVALS_RAY_TIMINGS": str(timings)}
                        wall, launched, exited = _timed(
                            wrap(argv), ray_env, meter.preexec("driver")
                        )
                        record = json.loads(timings.read_text().splitlines()[-1])
                        trace = legs(record, launched, exited)
                    cpu = meter.spent(before, executor, wall)
                    run_grades = _grades(out)
                    grades[executor].append(run_grades)
                    result.runs.append(RayRun(executor, len(run_grades), wall, load, trace, cpu))
        by_plan = {len(g): g for g in grades["local"]}
        result.identical = all(g == by_plan.get(len(g)) for g in grades["ray"])
        if meter.idle[1] > 0:
            result.cluster_idle_cpu = meter.idle[0] / meter.idle[1]
        probe = [sys.executable, "-m", "evals.executors.bench_ceiling", address, suite, persona]
        done = subprocess.run(
            wrap([*probe, str(ceiling_epochs)]), capture_output=True, text=True, check=True
        )
        result.ceiling_per_s = float(json.loads(done.stdout.strip().splitlines()[-1])["per_s"])
    result.load_after = _load()
    return result


def _run_argv(suite: str, persona: str, epochs: int | None, slots: int, out: Path) -> list[str]:
    """The ``evals run`` both executors are timed on (``slots`` samples graded at once)."""
    plan = [] if epochs is None else ["--epochs", str(epochs)]
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
        *plan,
        "--no-report",
        "--no-cache",
        "--max-concurrency",
        str(2 * slots),
        "--out",
        str(out),
    ]
