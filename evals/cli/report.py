"""``evals report | compare | trend | gate | baseline``: the reports over run directories.

Thin wrappers: each command parses options and calls the :mod:`reports` API. Heavy
imports (pandas, matplotlib) happen inside the commands so ``evals --help`` stays fast.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from evals.errors import ConfigError

__all__ = ["register"]

baseline_app = typer.Typer(
    help="The blessed baseline run that `evals gate` and `evals report` compare with.",
    no_args_is_help=True,
)

RunDir = Annotated[
    Path, typer.Argument(help="A run directory (holds manifest.json and samples.jsonl).")
]
Alpha = Annotated[float, typer.Option("--alpha", help="Family-wise significance level (Holm).")]
Rules = Annotated[
    list[str] | None,
    typer.Option("--rule", help="Only this persona rule id (repeatable) [default: every rule]."),
]
PairBy = Annotated[
    str | None,
    typer.Option(
        "--pair-by",
        help="Sample keys that pair the runs, a comma list of model,task,variant,pressure,"
        "epoch [default: all]; e.g. task,variant,pressure,epoch pairs different models.",
    ),
]


def _alpha(value: float) -> float:
    if not 0.0 < value < 1.0:
        raise ConfigError(f"{value} is not between 0 and 1 (try 0.05)", field="--alpha")
    return value


def report_cmd(
    run_dir: RunDir,
    out: Annotated[
        Path | None, typer.Option("--out", help="HTML file [default: RUN/scorecard.html].")
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline", help="Run to show deltas against [default: the blessed baseline]."
        ),
    ] = None,
) -> None:
    """Write the run's self-contained HTML scorecard."""
    from reports.scorecard import write_scorecard

    typer.echo(str(write_scorecard(run_dir, out=out, baseline=baseline)))


def compare_cmd(
    run_a: Annotated[
        Path, typer.Argument(help="The 'before' run, or one run holding two persona revisions.")
    ],
    run_b: Annotated[Path | None, typer.Argument(help="The 'after' run.")] = None,
    out_html: Annotated[
        Path | None,
        typer.Option("--out-html", help="HTML file [default: compare.html in the 'after' run]."),
    ] = None,
    out_md: Annotated[
        Path | None, typer.Option("--out-md", help="Also write the Markdown here.")
    ] = None,
    alpha: Alpha = 0.05,
    pair_by: PairBy = None,
    rule: Rules = None,
) -> None:
    """Compare two persona revisions rule by rule; print Markdown, write HTML.

    Exits 2 with one line when nothing can be compared (0 samples or 0 pairs).
    """
    from reports.compare import compare_paths, parse_pair_by, require_pairs
    from reports.compare_render import comparison_markdown, write_comparison_html

    keys = parse_pair_by(pair_by)
    cmp = require_pairs(
        compare_paths(run_a, run_b, alpha=_alpha(alpha), pair_by=keys, rules=tuple(rule or ()))
    )
    md = comparison_markdown(cmp)
    typer.echo(md)
    if out_md is not None:
        out_md.write_text(md, encoding="utf-8")
    target = out_html or (run_b or run_a) / "compare.html"
    typer.echo(f"html: {write_comparison_html(cmp, target)}", err=True)


def trend_cmd(
    runs_dir: Annotated[Path, typer.Argument(help="Folder holding run directories.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="HTML file [default: RUNS_DIR/trend.html].")
    ] = None,
    last: Annotated[int | None, typer.Option("--last", help="Only the most recent N runs.")] = None,
) -> None:
    """Write per-rule trend lines over the runs in RUNS_DIR (oldest first)."""
    from reports.trend import write_trend

    if last is not None and last < 1:
        raise ConfigError("must be at least 1", field="--last")
    typer.echo(str(write_trend(runs_dir, out=out, last=last)))


def gate_cmd(
    run_dir: RunDir,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline", help="Run to compare with [default: RUN's parent/baseline.json]."
        ),
    ] = None,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="JUnit XML file [default: RUN/gate.junit.xml].")
    ] = None,
    alpha: Alpha = 0.05,
    pair_by: PairBy = None,
    rule: Rules = None,
) -> None:
    """Exit 1 only on a statistically significant per-rule regression against the baseline.

    Prints a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set) and
    writes JUnit XML with one testcase per rule x task. Exits 2 with one line when the
    run has 0 samples or shares 0 (sample, rule) pairs with the baseline.
    """
    from reports.compare import parse_pair_by
    from reports.gate import gate, junit_xml, markdown_summary

    result = gate(
        run_dir,
        baseline,
        alpha=_alpha(alpha),
        pair_by=parse_pair_by(pair_by),
        rules=tuple(rule or ()),
    )
    md = markdown_summary(result)
    typer.echo(md)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as fh:
            fh.write(md + "\n")
    target = junit or run_dir / "gate.junit.xml"
    target.write_text(junit_xml(result), encoding="utf-8")
    typer.echo(f"junit: {target}", err=True)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


@baseline_app.command("set")
def baseline_set_cmd(run_dir: RunDir) -> None:
    """Bless RUN as the baseline of the runs folder that holds it."""
    from reports.baseline import set_baseline

    path = set_baseline(run_dir)
    typer.echo(f"baseline: {run_dir.resolve().name} (recorded in {path})")


@baseline_app.command("show")
def baseline_show_cmd(
    runs_dir: Annotated[Path, typer.Argument(help="Folder holding the runs.")] = Path("runs"),
) -> None:
    """Print the blessed baseline of RUNS_DIR."""
    from reports.baseline import baseline_file, read_baseline

    record = read_baseline(runs_dir)
    if record is None:
        raise ConfigError(
            "no baseline set; bless one with `evals baseline set RUN`", path=baseline_file(runs_dir)
        )
    shas = ", ".join(f"{p['name']}@{str(p['sha256'])[:12]}" for p in record.get("personas", []))
    typer.echo(f"run       {record['path']}")
    typer.echo(f"persona   {shas}")
    typer.echo(f"models    {', '.join(record.get('models', []))}")
    typer.echo(f"suite     {str(record.get('suite_sha', ''))[:12]}")
    typer.echo(f"set at    {record.get('set_at', '?')}")


def register(app: typer.Typer) -> None:
    """Add ``report``, ``compare``, ``trend``, ``gate`` and ``baseline`` to ``app``."""
    app.command("report")(report_cmd)
    app.command("compare")(compare_cmd)
    app.command("trend")(trend_cmd)
    app.command("gate")(gate_cmd)
    app.add_typer(baseline_app, name="baseline")
