"""``evals bench agent``: what the harness adds to each agent turn, and how samples scale.

**Overhead per turn.** The same scripted session (``turns`` Bash turns against the
scripted fake, no model latency) runs, interleaved, ``reps`` times each: through the full
harness (jail, launcher, relay, proxy); through the same CLI in the same jail but on the
host's network, talking to the fake directly (no relay, no proxy); and through the bare
CLI on the host (same binary and flags, no jail). A *turn time* is the gap between two
consecutive model requests as the fake sees them: the CLI parsing the answer, running
the tool, building the next request, plus everything the harness puts on that path (the
proxy and relay both ways, the jail around the tool). Process start and exit are outside
every gap, so the CLI's start-up cannot enter the figure (it is printed on its own:
start -> first model request, per side). Per-turn overhead = the median over all (rep,
turn) pairs of ``harness gap - jailed-direct gap`` (rep k paired with rep k, turn j with
turn j), with a bootstrap 95% interval: what the relay and the proxy add to a turn. The
fake runs in a child process (:mod:`._bench_fake`: in the harness's own process it
shared the proxy's GIL, which the profile showed as most of the old figure).

**Concurrency.** ``n`` samples at once through the harness against the fake with
``latency_s`` per model call, beside one harness sample alone, one bare CLI alone and
``n`` bare CLIs at once. Two ideals (docs/agent.md "Benchmark"):

* *latency-bound*: one sample's own chain of model waits and CLI work, which no
  concurrency can shorten: the bare CLI alone at this latency (``latency_s`` x turns plus
  the CLI's own start-up and per-turn work). ``latency_s`` x turns alone is printed too.
* *CPU-bound*: the CPU seconds ``n`` bare CLIs need (measured on the bare batch of the
  same run: rusage of the whole process trees) over the cores this process may use. On
  2 cores ``n`` CLIs cannot finish before their CPU work fits on 2 cores.

The target uses ``max(latency-bound, CPU-bound)``: the floor that physics sets, so the
ratio shows only what the harness loses by running samples together (its own CPU, any
serialisation, its fixed per-sample cost). The load average is printed beside every figure.
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from evals.agent._bench_fake import SpawnedScripted
from evals.agent._jail import BWRAP_ENV, JailUser, jail_argv
from evals.agent._job import AgentJob, write_files
from evals.agent.claude_code import ClaudeCodeProvider, bundled_cli
from evals.agent.proxy import Caps
from evals.persona import Persona, load_persona
from evals.tasks import Task, load_task

__all__ = ["AgentBench", "bench_agent", "median_ci"]

_MODEL = "claude-sonnet-4-5"
_SIDES = ("harness", "jailed", "bare")


def _loadavg() -> str:
    if not os.path.exists("/proc/loadavg"):
        return "n/a"
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _cpu_s(who: int) -> float:
    """CPU seconds of this process (``RUSAGE_SELF``) or of its reaped descendants
    (``RUSAGE_CHILDREN``: a bare CLI's whole tree; a jail's inner tree is reaped by
    bwrap's own init, which does not always pass it on, so not used for the jail)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


@dataclass
class AgentBench:
    """Figures of one ``evals bench agent`` run (seconds unless named otherwise)."""

    turns: int
    reps: int
    #: Median turn time (gap between model requests) per side, ms: ``harness``,
    #: ``jailed`` (same CLI, same jail, talking to the fake directly), ``bare`` (host CLI).
    gap_ms: dict[str, float]
    #: Median start -> first model request per side, ms.
    startup_ms: dict[str, float]
    #: Median of the paired per-turn differences harness - jailed-direct (the transport:
    #: relay + proxy), and its bootstrap 95% interval, ms. The target applies to this.
    per_turn_ms: float
    per_turn_ci_ms: tuple[float, float]
    #: The same against the bare CLI on the host (a different environment, see docs).
    vs_bare_ms: float
    vs_bare_ci_ms: tuple[float, float]
    pairs: int
    proxy_ms_per_turn: float
    n: int
    latency_s: float
    model_turns: int
    cores: int
    single_s: float
    concurrent_s: float
    bare_single_s: float
    bare_concurrent_s: float
    #: CPU seconds of the harness process itself (proxy, watch, set-up) for the ``n``
    #: samples, and of the ``n`` bare CLIs' whole process trees.
    harness_cpu_s: float
    bare_concurrent_cpu_s: float
    loadavg: dict[str, str] = field(default_factory=dict)

    @property
    def fake_only_s(self) -> float:
        """``latency_s`` x model turns: what the fake alone imposes (zero CPU)."""
        return self.latency_s * self.model_turns

    @property
    def latency_ideal_s(self) -> float:
        """Latency-bound ideal: one bare CLI sample alone at this latency."""
        return self.bare_single_s

    @property
    def cpu_ideal_s(self) -> float:
        """CPU-bound ideal: the ``n`` bare CLIs' CPU seconds over the usable cores."""
        return self.bare_concurrent_cpu_s / self.cores

    @property
    def ideal_s(self) -> float:
        """The target's ideal: ``max(latency-bound, CPU-bound)``."""
        return max(self.latency_ideal_s, self.cpu_ideal_s)

    @property
    def ratio(self) -> float:
        """Wall time of ``n`` concurrent harness samples over :attr:`ideal_s`."""
        return self.concurrent_s / self.ideal_s if self.ideal_s else float("nan")

    @property
    def single_ratio(self) -> float:
        """One harness sample alone over the same ideal."""
        return self.single_s / self.ideal_s if self.ideal_s else float("nan")

    @property
    def bare_ratio(self) -> float:
        """The bare CLI's own ``n``-at-once over the same ideal (what the machine allows)."""
        return self.bare_concurrent_s / self.ideal_s if self.ideal_s else float("nan")


def median_ci(values: list[float], reps: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """Median and its bootstrap 95% interval (percentile method)."""
    import numpy as np

    data = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    medians = np.median(rng.choice(data, size=(reps, data.size), replace=True), axis=1)
    low, high = np.percentile(medians, [2.5, 97.5])
    return float(np.median(data)), float(low), float(high)


def _job(task: Task, persona: Persona, i: int = 0) -> AgentJob:
    return AgentJob(f"bench-{i}", task, persona, "Run the steps.")


def _gaps(marks: list[tuple[float, bool]], start: int) -> list[float]:
    """Gaps between the main conversation's model requests received since ``start``."""
    times = [t for t, tools in marks[start:] if tools]
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def _first(marks: list[tuple[float, bool]], start: int) -> float | None:
    return next((t for t, tools in marks[start:] if tools), None)


async def _bare(provider: ClaudeCodeProvider, job: AgentJob, url: str) -> float:
    """The same CLI command without jail or proxy; returns its wall time."""
    tmp = Path(tempfile.mkdtemp(prefix="pe-bench-"))
    try:
        (tmp / "home").mkdir()
        write_files(tmp / "ws", {f".claude/agents/{job.persona.name}.md": job.persona.text})
        argv = [str(provider.cli), *provider._argv(job)[1:]]
        env = {
            **BWRAP_ENV,
            "HOME": str(tmp / "home"),
            "ANTHROPIC_BASE_URL": url,
            "ANTHROPIC_API_KEY": "k",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_AUTOUPDATER": "1",
            "DISABLE_TELEMETRY": "1",
        }
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=tmp / "ws",
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await proc.wait()
        return time.perf_counter() - started
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


async def _jailed_direct(provider: ClaudeCodeProvider, job: AgentJob, url: str) -> float:
    """The same CLI in the same jail, but on the host's network and talking to the fake
    directly: no relay, no proxy. The harness minus this is the transport's cost."""
    from evals.agent._jail import spawn_jailed
    from evals.agent._tools import programs
    from evals.agent.claude_code import _CLI_ENV
    from evals.sandbox.runtime import ensure_runtime

    tmp = Path(tempfile.mkdtemp(prefix="pe-bench-"))
    try:
        with JailUser() as user:
            ws, home = tmp / "ws", tmp / "home"
            home.mkdir()
            write_files(ws, {f".claude/agents/{job.persona.name}.md": job.persona.text})
            user.own(ws, home)
            argv = jail_argv(
                provider._argv(job),
                runtime=ensure_runtime(),
                workspace=ws,
                home=home,
                socket_dir=None,
                programs={"claude": provider.cli, **programs()},
                env={**_CLI_ENV, "ANTHROPIC_BASE_URL": url},
                user=user,
            )
            # bench baseline only: the host's network namespace, so the fake is reachable
            if "--unshare-net" in argv:
                argv.remove("--unshare-net")
            else:
                argv.insert(argv.index("--unshare-all") + 1, "--share-net")
            started = time.perf_counter()
            devnull = asyncio.subprocess.DEVNULL
            proc = await spawn_jailed(argv, stdout=devnull, stderr=devnull)
            await proc.wait()
            return time.perf_counter() - started
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


async def _harness(provider: ClaudeCodeProvider, job: AgentJob) -> tuple[float, float, int]:
    """(wall s, in-proxy s, model turns) of one sample through the harness."""
    started = time.perf_counter()
    result = await provider.solve(job)
    if result.infra_error:
        raise RuntimeError(f"bench sample failed: {result.infra_error}")
    turns = len(result.trajectory.turns)
    return time.perf_counter() - started, result.trajectory.overhead_s, turns


async def _overhead(task: Task, persona: Persona, turns: int, reps: int) -> dict[str, float]:
    gaps: dict[str, list[float]] = {side: [] for side in _SIDES}
    starts: dict[str, list[float]] = {side: [] for side in _SIDES}
    diffs: dict[str, list[float]] = {"bare": [], "jailed": []}
    proxy: list[float] = []
    with SpawnedScripted(turns) as fake:
        provider = ClaudeCodeProvider(
            _MODEL, mode="main", api_key="k", base_url=fake.url, cli=bundled_cli()
        )

        async def harness(_: ClaudeCodeProvider, job: AgentJob, __: str) -> float:
            _wall, in_proxy, seen = await _harness(provider, job)
            proxy.append(in_proxy / max(seen, 1))
            return 0.0

        runs: dict[str, Callable[[ClaudeCodeProvider, AgentJob, str], Awaitable[float]]] = {
            "harness": harness,
            "jailed": _jailed_direct,
            "bare": _bare,
        }
        for _ in range(reps):  # interleaved, so load drifts hit every side alike
            side_gaps: dict[str, list[float]] = {}
            for side in _SIDES:
                start = len(fake.marks())
                began = time.perf_counter()
                await runs[side](provider, _job(task, persona), fake.url)
                marks = fake.marks()
                side_gaps[side] = _gaps(marks, start)
                gaps[side] += side_gaps[side]
                first = _first(marks, start)
                if first is not None:
                    starts[side].append(first - began)
            for side in diffs:
                pairs = zip(side_gaps["harness"], side_gaps[side], strict=False)
                diffs[side] += [h - b for h, b in pairs]
    if not diffs["bare"] or not diffs["jailed"]:
        raise RuntimeError("bench: no turn gaps were recorded (did the CLI reach the fake?)")
    out = {f"{k}_gap": statistics.median(v) for k, v in gaps.items()}
    out |= {f"{k}_start": statistics.median(v) if v else float("nan") for k, v in starts.items()}
    for side, values in diffs.items():
        out[side], out[f"{side}_low"], out[f"{side}_high"] = median_ci(values)
    out["pairs"] = float(len(diffs["jailed"]))
    out["proxy"] = statistics.median(proxy)
    return out


async def _concurrency(
    task: Task, persona: Persona, n: int, turns: int, latency: float
) -> dict[str, float]:
    with SpawnedScripted(turns, latency) as fake:
        provider = ClaudeCodeProvider(
            _MODEL, mode="main", api_key="k", base_url=fake.url, cli=bundled_cli(), caps=Caps()
        )
        single, _, model_turns = await _harness(provider, _job(task, persona))
        started, cpu = time.perf_counter(), _cpu_s(resource.RUSAGE_SELF)
        runs = await asyncio.gather(*(_harness(provider, _job(task, persona, i)) for i in range(n)))
        together = time.perf_counter() - started
        own_cpu = _cpu_s(resource.RUSAGE_SELF) - cpu
        bare = await _bare(provider, _job(task, persona), fake.url)
        started, cpu = time.perf_counter(), _cpu_s(resource.RUSAGE_CHILDREN)
        await asyncio.gather(*(_bare(provider, _job(task, persona, i), fake.url) for i in range(n)))
        bare_n = time.perf_counter() - started
        bare_cpu = _cpu_s(resource.RUSAGE_CHILDREN) - cpu
    return {
        "single": single,
        "together": together,
        "own_cpu": own_cpu,
        "bare": bare,
        "bare_n": bare_n,
        "bare_cpu": bare_cpu,
        "model_turns": max([model_turns, *(r[2] for r in runs)]),
    }


def bench_agent(
    *,
    turns: int = 24,
    reps: int = 5,
    n: int = 4,
    latency_s: float = 3.0,
    concurrency_turns: int = 8,
    root: Path | None = None,
) -> AgentBench:
    """Run both measurements (see the module docstring) and return the figures."""
    from evals.sandbox.runtime import find_project_root

    base = root or find_project_root()
    task = load_task(base / "tasks" / "rest-crud")
    persona = load_persona(base / "personas" / "backend-engineer.md")
    load = {"start": _loadavg()}
    over = asyncio.run(_overhead(task, persona, turns, reps))
    load["overhead"] = _loadavg()
    conc = asyncio.run(_concurrency(task, persona, n, concurrency_turns, latency_s))
    load["concurrency"] = _loadavg()
    return AgentBench(
        turns=turns,
        reps=reps,
        gap_ms={side: over[f"{side}_gap"] * 1000 for side in _SIDES},
        startup_ms={side: over[f"{side}_start"] * 1000 for side in _SIDES},
        per_turn_ms=over["jailed"] * 1000,
        per_turn_ci_ms=(over["jailed_low"] * 1000, over["jailed_high"] * 1000),
        vs_bare_ms=over["bare"] * 1000,
        vs_bare_ci_ms=(over["bare_low"] * 1000, over["bare_high"] * 1000),
        pairs=int(over["pairs"]),
        proxy_ms_per_turn=over["proxy"] * 1000,
        n=n,
        latency_s=latency_s,
        model_turns=int(conc["model_turns"]),
        cores=_cores(),
        single_s=conc["single"],
        concurrent_s=conc["together"],
        bare_single_s=conc["bare"],
        bare_concurrent_s=conc["bare_n"],
        harness_cpu_s=conc["own_cpu"],
        bare_concurrent_cpu_s=conc["bare_cpu"],
        loadavg=load,
    )
