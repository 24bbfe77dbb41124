"""``evals bench agent``: what the harness adds to an agent run, and how samples scale.

Overhead per turn: the same scripted session (``turns`` Bash turns against the scripted
fake) runs through the full harness (jail, relay, proxy) and directly (the same CLI,
same flags, talking to the fake on the host, no jail, no proxy). Runs alternate, and
two session lengths separate the per-sample cost (jail start, relay) from the per-turn
cost: ``per_turn = (overhead(long) - overhead(short)) / (long - short)`` on medians.
The proxy's own time per exchange is reported too (:attr:`Exchange.overhead_s`).

Concurrency: ``n`` samples at once through the harness against a fake with
``latency_s`` per model call (a model is mostly waiting), as a ratio to one sample
alone measured in the same run (ideal 1.0).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from evals.agent._jail import BWRAP_ENV
from evals.agent._job import AgentJob, write_files
from evals.agent.claude_code import ClaudeCodeProvider, bundled_cli
from evals.agent.proxy import Caps
from evals.agent.scripted_server import Conversation, Script, ScriptedServer
from evals.persona import Persona, load_persona
from evals.tasks import Task, load_task

__all__ = ["AgentBench", "bench_agent"]

_MODEL = "claude-sonnet-4-5"


@dataclass
class AgentBench:
    """Figures of one ``evals bench agent`` run (seconds unless named otherwise)."""

    short_turns: int
    long_turns: int
    reps: int
    harness_s: dict[int, float]
    direct_s: dict[int, float]
    per_turn_ms: float
    per_sample_ms: float
    proxy_ms_per_turn: float
    n: int
    latency_s: float
    single_s: float
    concurrent_s: float
    #: The same with the bare CLI (no jail, no proxy): the CLI's own scaling.
    bare_single_s: float
    bare_concurrent_s: float
    loadavg: str

    @property
    def ratio(self) -> float:
        """Wall time of ``n`` concurrent samples over one sample alone."""
        return self.concurrent_s / self.single_s if self.single_s else float("nan")

    @property
    def bare_ratio(self) -> float:
        """The bare CLI's own ``n``-at-once ratio (what the machine allows)."""
        return self.bare_concurrent_s / self.bare_single_s if self.bare_single_s else float("nan")


def _script(turns: int) -> Script:
    steps = [
        {"content": [{"type": "tool_use", "name": "Bash", "input": {"command": "true"}}]}
        for _ in range(turns - 1)
    ]
    return Script(
        "bench",
        (
            Conversation(
                (*steps, {"content": [{"type": "text", "text": "ok"}]}),
            ),
        ),
    )


def _job(task: Task, persona: Persona, i: int = 0) -> AgentJob:
    return AgentJob(f"bench-{i}", task, persona, "Run the steps.")


async def _direct(provider: ClaudeCodeProvider, job: AgentJob, url: str) -> float:
    """The same CLI command without jail or proxy: the CLI's own time."""
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


async def _harness(provider: ClaudeCodeProvider, job: AgentJob) -> tuple[float, float, int]:
    started = time.perf_counter()
    result = await provider.solve(job)
    if result.infra_error:
        raise RuntimeError(f"bench sample failed: {result.infra_error}")
    turns = len(result.trajectory.turns)
    return time.perf_counter() - started, result.trajectory.overhead_s, turns


async def _overhead(
    task: Task, persona: Persona, short: int, long: int, reps: int
) -> dict[str, object]:
    harness: dict[int, list[float]] = {short: [], long: []}
    direct: dict[int, list[float]] = {short: [], long: []}
    proxy: list[float] = []
    for turns in (short, long):
        with ScriptedServer(_script(turns)) as server:
            provider = ClaudeCodeProvider(
                _MODEL, mode="main", api_key="k", base_url=server.url, cli=bundled_cli()
            )
            for _ in range(reps):  # alternate, so load drifts hit both sides alike
                wall, in_proxy, seen = await _harness(provider, _job(task, persona))
                harness[turns].append(wall)
                proxy.append(in_proxy / max(seen, 1))
                direct[turns].append(await _direct(provider, _job(task, persona), server.url))
    med_h = {t: statistics.median(v) for t, v in harness.items()}
    med_d = {t: statistics.median(v) for t, v in direct.items()}
    over = {t: med_h[t] - med_d[t] for t in med_h}
    per_turn = (over[long] - over[short]) / (long - short)
    return {
        "harness": med_h,
        "direct": med_d,
        "per_turn": per_turn,
        "per_sample": over[short] - per_turn * short,
        "proxy": statistics.median(proxy),
    }


async def _concurrency(
    task: Task, persona: Persona, n: int, turns: int, latency: float
) -> tuple[float, float, float, float]:
    """(harness alone, harness n at once, bare CLI alone, bare CLI n at once)."""
    with ScriptedServer(_script(turns), latency_s=latency) as server:
        provider = ClaudeCodeProvider(
            _MODEL, mode="main", api_key="k", base_url=server.url, cli=bundled_cli(), caps=Caps()
        )
        single = (await _harness(provider, _job(task, persona)))[0]
        started = time.perf_counter()
        await asyncio.gather(*(_harness(provider, _job(task, persona, i)) for i in range(n)))
        together = time.perf_counter() - started
        bare = await _direct(provider, _job(task, persona), server.url)
        started = time.perf_counter()
        jobs = [_direct(provider, _job(task, persona, i), server.url) for i in range(n)]
        await asyncio.gather(*jobs)
        return single, together, bare, time.perf_counter() - started


def bench_agent(
    *,
    short_turns: int = 2,
    long_turns: int = 12,
    reps: int = 3,
    n: int = 4,
    latency_s: float = 1.0,
    root: Path | None = None,
) -> AgentBench:
    """Run both measurements (see the module docstring) and return the figures."""
    from evals.sandbox.runtime import find_project_root

    base = root or find_project_root()
    task = load_task(base / "tasks" / "rest-crud")
    persona = load_persona(base / "personas" / "backend-engineer.md")
    over = asyncio.run(_overhead(task, persona, short_turns, long_turns, reps))
    single, concurrent, bare, bare_n = asyncio.run(
        _concurrency(task, persona, n, short_turns + 4, latency_s)
    )
    return AgentBench(
        short_turns=short_turns,
        long_turns=long_turns,
        reps=reps,
        harness_s=over["harness"],  # type: ignore[arg-type]
        direct_s=over["direct"],  # type: ignore[arg-type]
        per_turn_ms=float(over["per_turn"]) * 1000,  # type: ignore[arg-type]
        per_sample_ms=float(over["per_sample"]) * 1000,  # type: ignore[arg-type]
        proxy_ms_per_turn=float(over["proxy"]) * 1000,  # type: ignore[arg-type]
        n=n,
        latency_s=latency_s,
        single_s=single,
        concurrent_s=concurrent,
        bare_single_s=bare,
        bare_concurrent_s=bare_n,
        loadavg=" ".join(Path("/proc/loadavg").read_text().split()[:3])
        if os.path.exists("/proc/loadavg")
        else "n/a",
    )
