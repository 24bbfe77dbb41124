"""``evals run``: run the suite through candidate models and write a run directory."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from evals.cli.persona import MinCoverageOption

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import TaskID

    from evals.runner import RunConfig


def _err() -> Console:
    """The stderr console (rich loads only when a command runs, not for ``--help``)."""
    from rich.console import Console

    return Console(stderr=True)


class _Bar:
    """A rich progress bar on stderr: done/total, infra errors and ETA."""

    def __init__(self, console: Console) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]samples"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("errors: {task.fields[errors]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.task: TaskID | None = None

    def __call__(self, event: str, done: int, total: int, errors: int) -> None:
        if event == "start":
            self.progress.start()
            self.task = self.progress.add_task("run", total=total, completed=done, errors=errors)
        elif self.task is not None:
            self.progress.update(self.task, completed=done + errors, errors=errors)
        if event == "end":
            self.progress.stop()


def _dry_run(config: RunConfig, err: Console) -> None:
    import asyncio

    from evals.persona import load_persona
    from evals.providers import ProviderRequest, get_provider
    from evals.providers.cost import estimate_requests
    from evals.runner import build_plan
    from evals.tasks import load_suite, render_prompt

    suite = load_suite(config.suite)
    tasks = suite.select(config.tasks or None, config.limit)
    personas = [load_persona(ref) for ref in config.personas]
    providers = [
        get_provider(m, max_connections=config.max_connections, require_credentials=False)
        for m in config.models
    ]
    plan = build_plan(personas, providers, tasks, config.epochs, pressure=config.pressure)
    total_usd = 0.0
    for provider in providers:
        requests = [
            ProviderRequest(
                model=provider.name,
                system=item.persona.body,
                messages=({"role": "user", "content": render_prompt(item.task, item.pressure)},),
                max_tokens=config.max_tokens,
                epoch=item.epoch,
                task=item.task,
                variant=item.variant,
                sample_id=item.sample_id,
            )
            for item in plan
            if item.provider is provider
        ]
        est = asyncio.run(estimate_requests(provider, requests))
        total_usd += est.usd
        err.print(
            f"{provider.name}: {len(requests)} samples, ~{est.input_tokens:,} input tokens, "
            f"~{est.output_tokens:,} output tokens, ~${est.usd:.4f} ({est.method})"
        )
    typer.echo(f"dry run: {len(plan)} samples, estimated ${total_usd:.4f}; nothing was sent")


def _caps_option(values: list[str] | None) -> dict[str, float] | None:
    if not values:
        return None
    from evals.agent.proxy import parse_caps
    from evals.errors import ConfigError

    caps: dict[str, float] = {}
    for value in values:
        key, sep, number = value.partition("=")
        try:
            caps[key.strip()] = float(number)
        except ValueError:
            sep = ""
        if not sep:
            raise ConfigError(f"{value!r}: expected KEY=NUMBER, e.g. turns=30", field="--agent-cap")
    parse_caps(caps)  # unknown keys fail here, before anything runs
    return caps


def run_command(
    persona: Annotated[
        list[str] | None,
        typer.Option("--persona", "-p", help="Persona file, or path@git-rev. Repeatable."),
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Candidate provider/model. Repeatable."),
    ] = None,
    task: Annotated[
        list[str] | None, typer.Option("--task", "-t", help="Task id. Repeatable.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Run only the first N tasks.")] = None,
    epochs: Annotated[int | None, typer.Option(help="Repeat each sample N times.")] = None,
    suite: Annotated[
        str | None, typer.Option(help="Tasks folder or exported HF dataset folder.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Run directory to write.")] = None,
    resume: Annotated[
        Path | None, typer.Option(help="Complete the missing samples of this run directory.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Config file (default: ./evals.toml or [tool.evals]).")
    ] = None,
    max_concurrency: Annotated[int | None, typer.Option(help="Samples in flight.")] = None,
    max_connections: Annotated[int | None, typer.Option(help="Connections per provider.")] = None,
    grade_workers: Annotated[
        int | None, typer.Option(help="Samples graded at once (0 = cores).")
    ] = None,
    sandbox: Annotated[str | None, typer.Option(help="auto, bwrap or process.")] = None,
    cache: Annotated[
        bool | None, typer.Option("--cache/--no-cache", help="Response cache (default on).")
    ] = None,
    cache_dir: Annotated[str | None, typer.Option(help="Response cache directory.")] = None,
    batch: Annotated[
        bool | None, typer.Option("--batch/--no-batch", help="Anthropic Message Batches API.")
    ] = None,
    max_cost: Annotated[
        float | None, typer.Option(help="Stop scheduling new samples past this many USD.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Estimate tokens and dollars; send nothing.")
    ] = False,
    judge: Annotated[str | None, typer.Option(help="Judge provider/model.")] = None,
    judge_samples: Annotated[
        int | None, typer.Option(help="Judge samples per rule (majority vote).")
    ] = None,
    grader: Annotated[
        list[str] | None, typer.Option("--grader", "-g", help="Only these graders. Repeatable.")
    ] = None,
    pressure: Annotated[
        bool | None, typer.Option("--pressure/--no-pressure", help="Include pressure prompts.")
    ] = None,
    report: Annotated[
        bool | None, typer.Option("--report/--no-report", help="Write scorecard.html at the end.")
    ] = None,
    temperature: Annotated[float | None, typer.Option(help="Sampling temperature.")] = None,
    max_tokens: Annotated[int | None, typer.Option(help="Max output tokens.")] = None,
    executor: Annotated[
        str | None,
        typer.Option(help="Where samples run: local (default) or ray (docs/scale.md)."),
    ] = None,
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (default: RAY_ADDRESS).")
    ] = None,
    ray_num_cpus: Annotated[float | None, typer.Option(help="CPUs per sample task.")] = None,
    ray_memory_mb: Annotated[int | None, typer.Option(help="Memory per sample task.")] = None,
    ray_max_retries: Annotated[
        int | None, typer.Option(help="Re-runs of a sample whose worker or node died.")
    ] = None,
    fail_unmeasured: Annotated[
        bool,
        typer.Option(
            "--fail-unmeasured",
            help="Exit 1 before running if a persona rule would not be graded by this suite.",
        ),
    ] = False,
    min_coverage: MinCoverageOption = None,
    agent_cap: Annotated[
        list[str] | None,
        typer.Option(
            "--agent-cap",
            help="Per-sample cap of agent candidates, KEY=VALUE (turns, tokens, usd, wall_s). "
            "Repeatable.",
        ),
    ] = None,
) -> None:
    """Run the suite through candidate models, grade every answer, write the run log."""
    import asyncio

    from evals.runner import Runner, load_config, new_run_dir, resume_config

    err = _err()
    overrides: dict[str, Any] = {
        "personas": persona or None,
        "models": model or None,
        "tasks": task or None,
        "limit": limit,
        "epochs": epochs,
        "suite": suite,
        "out": str(out) if out else None,
        "max_concurrency": max_concurrency,
        "max_connections": max_connections,
        "grade_workers": grade_workers,
        "sandbox": sandbox,
        "cache": cache,
        "cache_dir": cache_dir,
        "batch": batch,
        "max_cost": max_cost,
        "judge": judge,
        "judge_samples": judge_samples,
        "graders": grader or None,
        "pressure": pressure,
        "report": report,
        "temperature": temperature,
        "max_tokens": max_tokens,
        "executor": executor,
        "ray_address": address,
        "ray_num_cpus": ray_num_cpus,
        "ray_memory_mb": ray_memory_mb,
        "ray_max_retries": ray_max_retries,
        "agent_caps": _caps_option(agent_cap),
    }
    if resume is not None:
        run_config = resume_config(resume, overrides)
        run_dir = resume
    else:
        run_config = load_config(config).merged(overrides)
        run_dir = Path(run_config.out) if run_config.out else new_run_dir(run_config.runs_dir)
        if (run_dir / "samples.jsonl").exists():
            from evals.errors import ConfigError

            raise ConfigError(
                "already holds a run; use --resume to complete it or choose another --out",
                path=run_dir,
            )
    if fail_unmeasured or min_coverage is not None:
        _coverage_gate(run_config, min_coverage)
    if dry_run:
        _dry_run(run_config, err)
        return
    runner = Runner(
        run_config, run_dir, resume=resume is not None, argv=sys.argv[1:], progress=_Bar(err)
    )
    result = asyncio.run(runner.run())
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}")
    if result.manifest.isolated is False:
        err.print(
            "[bold red]NOT ISOLATED:[/bold red] no bubblewrap; candidate code ran "
            "with rlimits only (see `evals doctor`)"
        )
    if run_config.report:
        from reports.scorecard import write_scorecard

        path = write_scorecard(run_dir)
        err.print(f"scorecard: {path}")
    if result.budget_note:
        err.print(f"budget: {result.budget_note}")
    err.print(
        f"{result.done}/{result.planned} samples done, {result.infra_errors} infra errors, "
        f"state {result.manifest.state}"
    )
    typer.echo(str(run_dir))
    if result.interrupted is not None:
        typer.echo(f"interrupted by {result.interrupted}; resume with --resume", err=True)
        raise typer.Exit(130 if result.interrupted == "SIGINT" else 143)
    if result.manifest.state != "complete":
        raise typer.Exit(3)


def _coverage_gate(run_config: Any, min_coverage: float | None) -> None:
    """Exit 1 when the selected tasks would leave too much of a persona ungraded."""
    from evals.persona import load_persona, suite_coverage
    from evals.tasks import load_suite
    from graders import get_grader

    tasks = load_suite(run_config.suite).select(run_config.tasks or None, run_config.limit)
    failed = False
    for ref in run_config.personas:
        persona = load_persona(ref)
        scope = {g: get_grader(g).scope == "all" for g in persona.graders() if g != "judge"}
        result = suite_coverage(persona, [t.spec.rules for t in tasks], every_task=scope)
        bar = 1.0 if min_coverage is None else min_coverage
        ok = result.share >= bar - 1e-9
        typer.echo(f"coverage: {result.describe()}" + ("" if ok else f" < {bar:.0%}"), err=True)
        failed = failed or not ok
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
