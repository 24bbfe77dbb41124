"""``evals bench agent``: what the harness adds to each agent turn, and how samples scale.

**Overhead per turn.** The same scripted session (``turns`` Bash turns against the
scripted fake, no model latency) runs, interleaved, ``reps`` times each: through the full
harness (jail, launcher, relay, proxy); through the same CLI in the same jail but on the
host's network, talking to the fake directly (no relay, no proxy); and through the bare
CLI on the host (same binary and flags, no jail). A *turn time* is the gap between two
consecutive model requests as the fake sees them: the CLI parsing the answer, running
the tool, building the next request, plus everything the harness puts on that path (the
proxy and relay both ways, the jail around the tool). Process start and exit are outside
every gap, so the CLI's start-up (which differs on the host and in the jail) cannot enter
the figure. Per-turn overhead = the median over all (rep, turn) pairs of
``harness gap - jailed-direct gap`` (rep k paired with rep k, turn j with turn j), with a
bootstrap 95% interval: what the relay and the proxy add to a turn. It can come out
negative only by noise, never by construction. The same difference against the bare
host CLI is printed too: it is not a harness figure, because the host's CLI turn is
itself slower than the jailed one (docs/agent.md says what was ruled out).

**Concurrency.** ``n`` samples at once through the harness against the fake with
``latency_s`` per model call. The ideal is what the fake alone imposes: ``latency_s`` x
the sample's model turns (counted on the same run, from its trajectory), i.e. perfect
overlap and zero cost for the CLI and the harness. Reported: the batch's wall time over
that ideal, one sample alone over the same ideal (what one sample costs beyond the model
even on an idle harness), and the bare CLI's n-at-once over its own single run (what this
machine allows without any harness). The load average is printed beside every figure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from evals.agent._jail import BWRAP_ENV, jail_argv
from evals.agent._job import AgentJob, write_files
from evals.agent.claude_code import ClaudeCodeProvider, bundled_cli
from evals.agent.proxy import Caps
from evals.agent.scripted_server import Conversation, Script, ScriptedServer
from evals.persona import Persona, load_persona
from evals.tasks import Task, load_task

__all__ = ["AgentBench", "bench_agent", "median_ci"]

_MODEL = "claude-sonnet-4-5"


def _loadavg() -> str:
    if not os.path.exists("/proc/loadavg"):
        return "n/a"
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class AgentBench:
    """Figures of one ``evals bench agent`` run (seconds unless named otherwise)."""

    turns: int
    reps: int
    #: Median turn time (gap between model requests): harness, bare CLI on the host,
    #: the CLI in the same jail talking to the fake directly (no relay, no proxy), ms.
    harness_gap_ms: float
    bare_gap_ms: float
    jailed_gap_ms: float
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
    ideal_s: float
    single_s: float
    concurrent_s: float
    bare_single_s: float
    bare_concurrent_s: float
    loadavg: dict[str, str] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """Wall time of ``n`` concurrent samples over the ideal."""
        return self.concurrent_s / self.ideal_s if self.ideal_s else float("nan")

    @property
    def single_ratio(self) -> float:
        """One sample alone over the same ideal."""
        return self.single_s / self.ideal_s if self.ideal_s else float("nan")

    @property
    def bare_ratio(self) -> float:
        """The bare CLI's own ``n``-at-once ratio (what the machine allows)."""
        return self.bare_concurrent_s / self.bare_single_s if self.bare_single_s else float("nan")


def median_ci(values: list[float], reps: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """Median and its bootstrap 95% interval (percentile method)."""
    import numpy as np

    data = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    medians = np.median(rng.choice(data, size=(reps, data.size), replace=True), axis=1)
    low, high = np.percentile(medians, [2.5, 97.5])
    return float(np.median(data)), float(low), float(high)


def _script(turns: int) -> Script:
    steps = [
        {"content": [{"type": "tool_use", "name": "Bash", "input": {"command": "true"}}]}
        for _ in range(turns - 1)
    ]
    return Script("bench", (Conversation((*steps, {"content": [{"type": "text", "text": "ok"}]})),))


def _job(task: Task, persona: Persona, i: int = 0) -> AgentJob:
    return AgentJob(f"bench-{i}", task, persona, "Run the steps.")


def _gaps(server: ScriptedServer, start: int) -> list[float]:
    """Gaps between the main conversation's model requests received since ``start``."""
    times = [
        t
        for t, r in zip(server.arrivals[start:], server.requests[start:], strict=True)
        if isinstance(r.body, dict) and r.body.get("tools")
    ]
    return [b - a for a, b in zip(times, times[1:], strict=False)]


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
        ws, home = tmp / "ws", tmp / "home"
        home.mkdir()
        write_files(ws, {f".claude/agents/{job.persona.name}.md": job.persona.text})
        for folder in (ws, home, ws / ".claude", ws / ".claude" / "agents"):
            os.chmod(folder, 0o777)  # noqa: S103 - the jailed CLI runs as uid 1000
        argv = jail_argv(
            provider._argv(job),
            runtime=ensure_runtime(),
            workspace=ws,
            home=home,
            socket_dir=None,
            programs={"claude": provider.cli, **programs()},
            env={**_CLI_ENV, "ANTHROPIC_BASE_URL": url},
        )
        argv.insert(argv.index("--unshare-all") + 1, "--share-net")  # bench baseline only
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
    gaps: dict[str, list[float]] = {"harness": [], "bare": [], "jailed": []}
    diffs: dict[str, list[float]] = {"bare": [], "jailed": []}
    proxy: list[float] = []
    server = ScriptedServer(_script(turns))
    with server:
        provider = ClaudeCodeProvider(
            _MODEL, mode="main", api_key="k", base_url=server.url, cli=bundled_cli()
        )
        for _ in range(reps):  # interleaved, so load drifts hit every side alike
            start = len(server.requests)
            _, in_proxy, seen = await _harness(provider, _job(task, persona))
            harness = _gaps(server, start)
            proxy.append(in_proxy / max(seen, 1))
            gaps["harness"] += harness
            for side, run in (("bare", _bare), ("jailed", _jailed_direct)):
                start = len(server.requests)
                await run(provider, _job(task, persona), server.url)
                base = _gaps(server, start)
                gaps[side] += base
                diffs[side] += [h - b for h, b in zip(harness, base, strict=False)]
    if not diffs["bare"] or not diffs["jailed"]:
        raise RuntimeError("bench: no turn gaps were recorded (did the CLI reach the fake?)")
    out = {f"{k}_gap": statistics.median(v) for k, v in gaps.items()}
    for side, values in diffs.items():
        out[side], out[f"{side}_low"], out[f"{side}_high"] = median_ci(values)
    out["pairs"] = float(len(diffs["jailed"]))
    out["proxy"] = statistics.median(proxy)
    return out


async def _concurrency(
    task: Task, persona: Persona, n: int, turns: int, latency: float
) -> dict[str, float]:
    with ScriptedServer(_script(turns), latency_s=latency) as server:
        provider = ClaudeCodeProvider(
            _MODEL, mode="main", api_key="k", base_url=server.url, cli=bundled_cli(), caps=Caps()
        )
        single, _, model_turns = await _harness(provider, _job(task, persona))
        started = time.perf_counter()
        runs = await asyncio.gather(*(_harness(provider, _job(task, persona, i)) for i in range(n)))
        together = time.perf_counter() - started
        bare = await _bare(provider, _job(task, persona), server.url)
        started = time.perf_counter()
        await asyncio.gather(
            *(_bare(provider, _job(task, persona, i), server.url) for i in range(n))
        )
        bare_n = time.perf_counter() - started
    model_turns = max([model_turns, *(r[2] for r in runs)])
    return {
        "single": single,
        "together": together,
        "bare": bare,
        "bare_n": bare_n,
        "model_turns": model_turns,
        "ideal": latency * model_turns,
    }


def bench_agent(
    *,
    turns: int = 12,
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
        harness_gap_ms=over["harness_gap"] * 1000,
        bare_gap_ms=over["bare_gap"] * 1000,
        jailed_gap_ms=over["jailed_gap"] * 1000,
        per_turn_ms=over["jailed"] * 1000,
        per_turn_ci_ms=(over["jailed_low"] * 1000, over["jailed_high"] * 1000),
        vs_bare_ms=over["bare"] * 1000,
        vs_bare_ci_ms=(over["bare_low"] * 1000, over["bare_high"] * 1000),
        pairs=int(over["pairs"]),
        proxy_ms_per_turn=over["proxy"] * 1000,
        n=n,
        latency_s=latency_s,
        model_turns=int(conc["model_turns"]),
        ideal_s=conc["ideal"],
        single_s=conc["single"],
        concurrent_s=conc["together"],
        bare_single_s=conc["bare"],
        bare_concurrent_s=conc["bare_n"],
        loadavg=load,
    )
