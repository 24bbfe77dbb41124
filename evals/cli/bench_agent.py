"""``evals bench agent``: harness overhead per agent turn, and N concurrent agent samples."""

from __future__ import annotations

import typer

from evals.errors import ConfigError


def register(app: typer.Typer) -> None:
    app.command("agent")(bench_agent_cmd)


def bench_agent_cmd(
    reps: int = typer.Option(3, "--reps", help="Runs per side and session length."),
    short: int = typer.Option(2, "--short", help="Turns of the short session."),
    long: int = typer.Option(12, "--long", help="Turns of the long session."),
    n: int = typer.Option(4, "--n", help="Concurrent agent samples."),
    latency: float = typer.Option(1.0, "--latency", help="Fake model latency per call (s)."),
) -> None:
    """Print the harness's ms per turn beyond the CLI's own time, and N-concurrent vs ideal."""
    from evals.agent.bench import bench_agent
    from evals.agent.claude_code import bundled_cli

    if reps < 1 or n < 1 or not 1 <= short < long:
        raise ConfigError("need --reps >= 1, --n >= 1 and 1 <= --short < --long", field="--reps")
    bundled_cli()  # one clear line when the agent extra is missing
    r = bench_agent(short_turns=short, long_turns=long, reps=reps, n=n, latency_s=latency)
    typer.echo(f"load average {r.loadavg}")
    for turns in (r.short_turns, r.long_turns):
        typer.echo(
            f"{turns:>2} turns    harness {r.harness_s[turns]:.2f} s, CLI alone "
            f"{r.direct_s[turns]:.2f} s (medians of {r.reps})"
        )
    verdict = "ok" if r.per_turn_ms <= 20 else "ABOVE TARGET"
    typer.echo(
        f"per turn     {r.per_turn_ms:+.1f} ms beyond the CLI's own time (target <= 20: {verdict})"
    )
    typer.echo(f"per sample   {r.per_sample_ms:+.0f} ms fixed (jail + relay start, workspace)")
    typer.echo(f"in proxy     {r.proxy_ms_per_turn:.2f} ms per exchange (proxy's own time)")
    verdict = "ok" if r.ratio <= 1.2 else "ABOVE TARGET"
    typer.echo(
        f"concurrency  {r.n} samples at {r.latency_s:g} s/model call: {r.concurrent_s:.2f} s vs "
        f"{r.single_s:.2f} s alone = {r.ratio:.2f}x ideal (target <= 1.2: {verdict})"
    )
    typer.echo(
        f"bare CLI     {r.n} at once {r.bare_concurrent_s:.2f} s vs {r.bare_single_s:.2f} s alone "
        f"= {r.bare_ratio:.2f}x (the CLI's own scaling on this machine, no harness)"
    )
