"""``evals bench agent``: harness overhead per agent turn, and N concurrent agent samples."""

from __future__ import annotations

import typer

from evals.errors import ConfigError


def register(app: typer.Typer) -> None:
    app.command("agent")(bench_agent_cmd)


def bench_agent_cmd(
    reps: int = typer.Option(5, "--reps", help="Runs per side (3 sides), interleaved."),
    turns: int = typer.Option(24, "--turns", help="Model turns of the overhead session."),
    n: int = typer.Option(4, "--n", help="Concurrent agent samples."),
    latency: float = typer.Option(3.0, "--latency", help="Fake model latency per call (s)."),
    conc_turns: int = typer.Option(8, "--concurrency-turns", help="Turns per concurrent sample."),
) -> None:
    """Print the harness's ms per turn beyond the CLI's own time, and N-concurrent vs ideal."""
    from evals.agent.bench import bench_agent
    from evals.agent.claude_code import bundled_cli

    if reps < 1 or n < 1 or turns < 3 or conc_turns < 2 or latency <= 0:
        raise ConfigError(
            "need --reps >= 1, --n >= 1, --turns >= 3, --concurrency-turns >= 2, --latency > 0",
            field="--reps",
        )
    bundled_cli()  # one clear line when the agent extra is missing
    r = bench_agent(turns=turns, reps=reps, n=n, latency_s=latency, concurrency_turns=conc_turns)
    low, high = r.per_turn_ci_ms
    verdict = "ok" if high <= 20 else ("ABOVE TARGET" if r.per_turn_ms > 20 else "unsure")
    gap, start = r.gap_ms, r.startup_ms
    echo = typer.echo
    echo(f"load average {r.loadavg['start']} (start), {r.cores} cores")
    echo(
        f"PER TURN     {r.per_turn_ms:+.1f} ms beyond the CLI's own time (harness minus the same "
        f"CLI in the same jail talking to the fake directly), 95% CI [{low:+.1f}, {high:+.1f}] "
        f"over {r.pairs} paired turns; target <= 20 ms: {verdict}; load {r.loadavg['overhead']}"
    )
    echo(
        f"  turn time  harness {gap['harness']:.1f} ms, same jail direct {gap['jailed']:.1f} ms, "
        f"bare CLI on the host {gap['bare']:.1f} ms (median gap between model requests, "
        f"{r.reps} runs x {r.turns} turns each side)"
    )
    echo(
        f"  start-up   harness {start['harness']:.0f} ms, same jail direct {start['jailed']:.0f} "
        f"ms, bare CLI {start['bare']:.0f} ms (start -> first model request, median)"
    )
    low, high = r.vs_bare_ci_ms
    echo(
        f"  vs bare    {r.vs_bare_ms:+.1f} ms per turn, 95% CI [{low:+.1f}, {high:+.1f}] (the "
        "host's CLI runs in another environment: not the harness figure)"
    )
    echo(f"  in proxy   {r.proxy_ms_per_turn:.2f} ms per exchange (the proxy's own time)")
    verdict = "ok" if r.ratio <= 1.2 else "ABOVE TARGET"
    echo(
        f"CONCURRENCY  {r.n} samples at once: {r.concurrent_s:.2f} s = {r.ratio:.2f}x the ideal "
        f"{r.ideal_s:.2f} s; target <= 1.2x: {verdict}; load {r.loadavg['concurrency']}"
    )
    kind = "latency-bound" if r.latency_ideal_s >= r.cpu_ideal_s else "CPU-bound"
    echo(
        f"  ideal      = max(latency-bound {r.latency_ideal_s:.2f} s, CPU-bound "
        f"{r.cpu_ideal_s:.2f} s) = {kind}. latency-bound: one bare CLI alone at "
        f"{r.latency_s:g} s/model call x {r.model_turns} turns (the fake alone: "
        f"{r.fake_only_s:.2f} s; the rest is the CLI's own start-up and turns). CPU-bound: "
        f"{r.n} bare CLIs' {r.bare_concurrent_cpu_s:.2f} CPU-s / {r.cores} cores"
    )
    echo(
        f"  beside     one harness sample alone {r.single_s:.2f} s = {r.single_ratio:.2f}x; "
        f"{r.n} bare CLIs at once {r.bare_concurrent_s:.2f} s = {r.bare_ratio:.2f}x (no "
        f"harness); the harness process's own CPU for the {r.n} samples {r.harness_cpu_s:.2f} s"
    )
