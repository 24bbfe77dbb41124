"""``evals bench sandbox``: per-sample grading cost of the warm sandbox vs bare pytest."""

from __future__ import annotations

import typer

from evals.errors import ConfigError


def register(app: typer.Typer) -> None:
    app.command("sandbox")(bench_sandbox_cmd)


def bench_sandbox_cmd(
    n: int = typer.Option(200, "--n", help="Samples to grade through the sandbox."),
    sandbox: str = typer.Option("auto", "--sandbox", help="auto, bwrap or process."),
    workers: int = typer.Option(0, "--workers", help="Warm workers (0 = number of cores)."),
    baseline_n: int = typer.Option(20, "--baseline-n", help="Bare `python -m pytest` runs."),
) -> None:
    """Grade N samples of a small synthetic task; print median and p95 ms per sample."""
    from evals.sandbox.bench import bench_sandbox

    if n < 1:
        raise ConfigError("must be at least 1", field="--n")
    r = bench_sandbox(n, sandbox=sandbox, workers=workers or None, baseline_n=baseline_n)
    label = r.sandbox + ("" if r.isolated else " (NOT ISOLATED)")
    typer.echo(f"sandbox      {label}, {r.workers} warm workers (started in {r.startup_s:.2f}s)")
    typer.echo(
        f"warm path    n={r.n}: median {r.median_ms:.1f} ms, p95 {r.p95_ms:.1f} ms per sample "
        f"(amortised {r.amortised_ms:.1f} ms/sample over the batch)"
    )
    typer.echo(
        f"baseline     n={r.baseline_n} bare `python -m pytest` subprocesses: "
        f"median {r.baseline_median_ms:.1f} ms, p95 {r.baseline_p95_ms:.1f} ms"
    )
    typer.echo(f"ratio        {r.ratio:.2f}x (baseline median / warm median)")
    if r.failures:
        typer.echo(f"error: {r.failures} of {r.n} samples did not pass", err=True)
        raise typer.Exit(1)
