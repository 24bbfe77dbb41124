"""``evals bench report``: scorecard wall time and memory on N synthetic samples."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evals.errors import ConfigError

__all__ = ["register"]

#: The target from the [reports] issue: a 10,000-sample scorecard within 10 s.
TARGET_S = 10.0


def register(app: typer.Typer) -> None:
    """Add ``evals bench report`` to the bench group."""
    app.command("report")(bench_report_cmd)


def bench_report_cmd(
    n: Annotated[int, typer.Option("--n", help="Synthetic samples in the run.")] = 10_000,
    models: Annotated[int, typer.Option("--models", help="Candidate models in the run.")] = 4,
    epochs: Annotated[int, typer.Option("--epochs", help="Epochs per task.")] = 5,
    workdir: Annotated[
        Path | None, typer.Option("--workdir", help="Scratch folder [default: tmp].")
    ] = None,
) -> None:
    """Write a synthetic run of N samples, then time `evals report` on it."""
    from reports.bench import bench_report

    if n < 1 or models < 1 or epochs < 1:
        raise ConfigError("--n, --models and --epochs must be at least 1", field="--n")
    r = bench_report(n, models=models, epochs=epochs, workdir=workdir)
    typer.echo(
        f"run          {r.n:,} samples, {r.grades:,} grades, samples.jsonl "
        f"{r.jsonl_mb:.1f} MB (generated in {r.generate_s:.1f}s, not timed)"
    )
    typer.echo(f"report       {r.report_s:.2f} s wall -> scorecard.html {r.html_mb:.1f} MB")
    typer.echo(
        f"memory       peak RSS {r.rss_peak_mb:.0f} MB "
        f"(+{r.rss_peak_mb - r.rss_before_mb:.0f} MB during the report)"
    )
    verdict = "within" if r.report_s <= TARGET_S else "OVER"
    typer.echo(f"target       {verdict} the {TARGET_S:.0f} s budget")
