"""``evals bench graders``: milliseconds per static grader on a realistic ~300-line sample."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evals.errors import ConfigError

#: The issue's budget for all static graders on one ~300-line sample.
TARGET_MS = 50.0


def register(app: typer.Typer) -> None:
    """Add ``evals bench graders`` to the ``bench`` group."""
    app.command("graders")(bench_graders_cmd)


def bench_graders_cmd(
    repeat: Annotated[int, typer.Option("--repeat", help="Timed runs (median reported).")] = 20,
    grader: Annotated[
        list[str] | None, typer.Option("--grader", "-g", help="Only this grader (repeatable).")
    ] = None,
    path: Annotated[
        Path | None,
        typer.Option("--path", help="Grade this file or directory instead of the built-in sample."),
    ] = None,
) -> None:
    """Median and p95 ms per static grader, and the total per sample (target <= 50 ms)."""
    from graders._bench import bench_static_graders
    from graders._bench_sample import SAMPLE, SAMPLE_PATH
    from graders.check import collect_files, static_grader_names

    if repeat < 1:
        raise ConfigError("must be at least 1", field="--repeat")
    if path is not None:
        if not path.exists():
            raise ConfigError("does not exist", path=path, field="--path")
        files, _ = collect_files(path)
    else:
        files = {SAMPLE_PATH: SAMPLE}
    names = list(dict.fromkeys(grader)) if grader else static_grader_names()
    r = bench_static_graders(files, names, repeat)
    typer.echo(f"sample       {len(files)} file(s), {r.lines} lines; {r.repeat} cold runs")
    typer.echo(f"{'grader':20} {'median ms':>10} {'p95 ms':>8}  verdict")
    for name, times in r.per_grader_ms.items():
        typer.echo(
            f"{name:20} {r.median(times):>10.2f} {r.p95(times):>8.2f}  {r.verdicts.get(name, '')}"
        )
    total = r.median(r.total_ms)
    mark = "within" if total <= TARGET_MS else "OVER"
    typer.echo(
        f"{'total':20} {total:>10.2f} {r.p95(r.total_ms):>8.2f}  "
        f"({mark} the {TARGET_MS:.0f} ms target; one ruff subprocess)"
    )
