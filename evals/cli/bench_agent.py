"""``evals bench agent``: harness overhead per agent turn, and N concurrent agent samples."""

from __future__ import annotations

import typer

from evals.errors import ConfigError


def register(app: typer.Typer) -> None:
    app.command("agent")(bench_agent_cmd)


def bench_agent_cmd(
    reps: int = typer.Option(5, "--reps", help="Runs per side (harness, bare CLI), alternating."),
    turns: int = typer.Option(12, "--turns", help="Model turns of the overhead session."),
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
    typer.echo(f"load average {r.loadavg['start']} (start)")
    typer.echo(
        f"turn time    harness {r.harness_gap_ms:.1f} ms, same jail direct "
        f"{r.jailed_gap_ms:.1f} ms, bare CLI on the host {r.bare_gap_ms:.1f} ms (median gap "
        f"between model requests, {r.reps} runs x {r.turns} turns each side)"
    )
    typer.echo(
        f"per turn     {r.per_turn_ms:+.1f} ms beyond the CLI's own time (relay + proxy vs the "
        f"same jail direct), 95% CI [{low:+.1f}, {high:+.1f}] over {r.pairs} paired turns "
        f"(target <= 20: {verdict}); load {r.loadavg['overhead']}"
    )
    low, high = r.vs_bare_ci_ms
    typer.echo(
        f"vs bare CLI  {r.vs_bare_ms:+.1f} ms per turn, 95% CI [{low:+.1f}, {high:+.1f}] (the "
        "host's CLI turn is itself slower: not a harness figure)"
    )
    typer.echo(f"in proxy     {r.proxy_ms_per_turn:.2f} ms per exchange (the proxy's own time)")
    verdict = "ok" if r.ratio <= 1.2 else "ABOVE TARGET"
    typer.echo(
        f"concurrency  {r.n} samples at {r.latency_s:g} s/model call x {r.model_turns} turns: "
        f"{r.concurrent_s:.2f} s vs ideal {r.ideal_s:.2f} s = {r.ratio:.2f}x (target <= 1.2: "
        f"{verdict}); one alone {r.single_s:.2f} s = {r.single_ratio:.2f}x; "
        f"load {r.loadavg['concurrency']}"
    )
    typer.echo(
        f"bare CLI     {r.n} at once {r.bare_concurrent_s:.2f} s vs {r.bare_single_s:.2f} s alone "
        f"= {r.bare_ratio:.2f}x (the CLI's own scaling on this machine, no harness)"
    )
