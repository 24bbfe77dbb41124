"""``evals judge``: calibrate the LLM judge against labels, and measure its agreement.

evals judge calibrate graders/judge/labels.jsonl --recorded tests/graders/judge/recorded/calibration
evals judge calibrate graders/judge/labels.jsonl --judge anthropic/claude-haiku-4-5 --save
evals judge agreement runs/20251124-020000
evals judge pairwise runs/A runs/B --judge anthropic/claude-haiku-4-5
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from evals.errors import ConfigError

if TYPE_CHECKING:
    from evals.providers import Provider

judge_app = typer.Typer(help="Calibrate and check the LLM judge.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``judge`` command group to ``app``."""
    app.add_typer(judge_app, name="judge")


def _num(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def _provider(judge: str | None, recorded: Path | None, cache: bool) -> tuple[Provider, str]:
    if recorded is not None:
        from graders.judge.recorded import recorded_provider

        model = (judge or "anthropic/recorded-judge").partition("/")[2] or "recorded-judge"
        if judge and not judge.startswith("anthropic/"):
            raise ConfigError(
                "recordings are Messages API replies: use anthropic/<name>", field="--judge"
            )
        return recorded_provider(recorded, model), f"recorded:anthropic/{model}"
    if not judge:
        raise ConfigError(
            "no judge: pass --judge provider/model (e.g. anthropic/claude-haiku-4-5) or "
            "--recorded DIR",
            field="--judge",
        )
    from evals.providers import get_provider
    from evals.providers.cache import wrap_with_cache

    provider = get_provider(judge)
    return wrap_with_cache(provider, enabled=cache, cache_dir=None), judge


@judge_app.command("calibrate")
def calibrate_cmd(
    labels: Annotated[Path, typer.Argument(help="Labelled items (JSON lines).")],
    judge: Annotated[str | None, typer.Option(help="Judge provider/model.")] = None,
    recorded: Annotated[
        Path | None, typer.Option(help="Answer from recorded replies in this directory.")
    ] = None,
    samples: Annotated[int, typer.Option(min=1, max=15, help="Judge samples per item.")] = 1,
    suite: Annotated[Path, typer.Option(help="Suite folder (task prompts).")] = Path("tasks"),
    save: Annotated[bool, typer.Option(help="Store κ in graders/judge/calibration.json.")] = False,
    cache: Annotated[bool, typer.Option(help="Use the response cache.")] = True,
    show: Annotated[int, typer.Option(help="Disagreements to list.")] = 20,
) -> None:
    """Print Cohen's κ, the confusion matrix and per-rule agreement against LABELS."""
    from graders.judge.calibration import calibrate
    from graders.judge.calibration_store import save_entry
    from graders.judge.labels import load_labels

    items = load_labels(labels)
    provider, name = _provider(judge, recorded, cache)

    async def go() -> Any:
        try:
            return await calibrate(
                items, provider, name.removeprefix("recorded:"), suite=suite, samples=samples
            )
        finally:
            await provider.aclose()

    import asyncio

    report = asyncio.run(go())
    k = report.kappa
    typer.echo(f"judge: {name}   items: {k.n}   samples/item: {samples}")
    typer.echo(
        f"Cohen's kappa: {_num(k.kappa)}  (95% CI {_num(k.low)}-{_num(k.high)}; "
        f"observed agreement {_num(k.observed)}, chance {_num(k.expected)})"
    )
    typer.echo(
        f"coverage (judge decided): {report.coverage:.1%}   judge cost: ${report.cost_usd:.4f}"
    )
    typer.echo("\nconfusion matrix (rows: human label, columns: judge)")
    typer.echo(report.confusion.to_string())
    typer.echo("\nper-rule agreement")
    typer.echo(
        report.per_rule.to_string(index=False, formatters={"agree": "{:.1%}".format, "kappa": _num})
    )
    wrong = report.frame[report.frame["human"] != report.frame["judge"]]
    if len(wrong) and show:
        typer.echo("\ndisagreements")
        for row in wrong.head(show).itertuples():
            typer.echo(f"  {row.id} [{row.rule}] human={row.human} judge={row.judge}: {row.reason}")
    if save:
        path = save_entry(name, report.entry())
        typer.echo(f"\nsaved κ for {name} to {path}")


@judge_app.command("agreement")
def agreement_cmd(
    run_dir: Annotated[Path, typer.Argument(help="A run directory.")],
) -> None:
    """Per-rule κ between judge second opinions and the deterministic graders."""
    from evals.log import read_manifest, read_samples
    from graders.judge.agreement import agreement_table

    read_manifest(run_dir)  # a clear error when it is not a run directory
    table = agreement_table(read_samples(run_dir))
    if table.empty:
        raise ConfigError(
            "no judge second opinions in this run; run with grader option "
            "judge.second_opinion = [rule ids] (see docs/judges.md)",
            path=run_dir,
        )
    typer.echo(table.to_string(index=False, formatters={"agree": "{:.1%}".format, "kappa": _num}))


@judge_app.command("pairwise")
def pairwise_cmd(
    run_a: Annotated[Path, typer.Argument(help="Run of persona revision A.")],
    run_b: Annotated[Path, typer.Argument(help="Run of persona revision B.")],
    judge: Annotated[str, typer.Option(help="Judge provider/model.")],
    rule: Annotated[
        list[str] | None, typer.Option(help="Rule id(s); default: the judge's.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Most sample pairs to compare.")] = 50,
    cache: Annotated[bool, typer.Option(help="Use the response cache.")] = True,
) -> None:
    """Compare two runs sample by sample on judge rules, in both orders (position bias)."""
    from graders.judge.pairwise_runs import compare_runs

    provider, name = _provider(judge, None, cache)
    rules = list(rule or ())

    async def go() -> Any:
        try:
            return await compare_runs(provider, name, run_a, run_b, rules, limit)
        finally:
            await provider.aclose()

    import asyncio

    table, rate = asyncio.run(go())
    typer.echo(table.to_string(index=False))
    typer.echo(f"\nposition-bias inconsistency rate: {_num(rate)}")
