"""``evals bench sandbox``: per-sample grading cost of the warm sandbox vs bare pytest."""

from __future__ import annotations

import os

import typer

from evals.errors import ConfigError

#: #11: within 1.5x of the ~45 ms per sample in #3's closing note.
TARGET_MS = 67.0


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
    typer.echo(
        f"sandbox      {label}, {r.workers} warm workers (started in {r.startup_s:.2f}s), "
        f"sample tree limits: {r.sample_limits}"
    )
    typer.echo(
        f"latency      n={r.n}, {r.workers} in flight: median {r.median_ms:.1f} ms, "
        f"p95 {r.p95_ms:.1f} ms per sample (request sent -> checked report back)"
    )
    typer.echo(
        f"service      median {r.service_median_ms:.1f} ms, p95 {r.service_p95_ms:.1f} ms "
        "per sample (the worker's clock: fork -> reaped)"
    )
    typer.echo(f"amortised    {r.amortised_ms:.1f} ms/sample (batch wall / n)")
    typer.echo(
        f"cpu          median {r.cpu_median_ms:.1f} ms per sample (user+system of the "
        f"sample's processes) vs bare pytest {r.baseline_cpu_median_ms:.1f} ms: "
        f"{r.cpu_ratio:.2f}x"
    )
    typer.echo(
        f"baseline     n={r.baseline_n} bare `python -m pytest` subprocesses: "
        f"median {r.baseline_median_ms:.1f} ms, p95 {r.baseline_p95_ms:.1f} ms"
    )
    typer.echo(f"ratio        {r.ratio:.2f}x (baseline median / latency median)")
    verdict = "ok" if r.median_ms <= TARGET_MS else "OVER"
    typer.echo(f"target       latency median <= {TARGET_MS:.0f} ms (#11): {verdict}")
    typer.echo(
        "measures     each sample as tests_pass grades it: fresh canaries planted (the\n"
        "             6 hidden sqlite tests become ~13), request to a warm worker (pytest\n"
        "             and the hidden tests' imports already loaded), fork, fresh namespaces\n"
        "             + tmpfs mounts (bwrap only), files written, seccomp, pytest.main, report\n"
        "             channel checked. Worker start-up is the 'started in' figure, in none of\n"
        "             the others. Latency includes waiting for a core when the machine is\n"
        "             shared (quote it with the load average); service time does not, and\n"
        "             amortised is what a run pays per sample with all workers busy. The\n"
        "             worker mode (privileged or userns) is what `evals doctor` prints."
    )
    typer.echo(f"load average {loadavg()} (after)")
    if r.failures:
        typer.echo(f"error: {r.failures} of {r.n} samples did not pass", err=True)
        raise typer.Exit(1)
