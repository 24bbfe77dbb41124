"""``evals bench sandbox``: per-sample grading cost of the warm sandbox vs bare pytest."""

from __future__ import annotations

import os

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
    from evals.cli.bench_cli import loadavg

    typer.echo(f"load average {loadavg()} (before); {os.cpu_count()} cpus")
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
    typer.echo(
        "measures     per sample: request sent -> signed report back, i.e. fork a child of a\n"
        "             warm worker (pytest already imported), fresh namespaces + tmpfs workdir\n"
        "             (bwrap only), write the files, pytest.main on 6 sqlite tests; worker\n"
        "             start-up is the"
        f" 'started in' figure, not in the median. {r.workers} samples are in flight,\n"
        "             so the median includes waiting for a core when the machine is shared;\n"
        "             amortised = batch wall / n. The worker mode (privileged or userns) is\n"
        "             what `evals doctor` prints. Quote it with the load average."
    )
    typer.echo(f"load average {loadavg()} (after)")
    if r.failures:
        typer.echo(f"error: {r.failures} of {r.n} samples did not pass", err=True)
        raise typer.Exit(1)
