"""``evals check`` (static graders over any directory) and ``evals graders eval|list``.

``evals check PATH`` exits 0 when every grade passes (or is skipped), 1 when any grade
fails or could not be decided (``error``), and 2 for usage errors (an unknown grader, a
missing path). ``--format json`` prints the versioned schema of
:class:`graders.check.CheckReport` (see ``docs/graders.md``).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from evals.errors import GraderError

if TYPE_CHECKING:
    from evals.schema import Grade
    from graders._accuracy import Accuracy

__all__ = ["graders_app", "register"]

graders_app = typer.Typer(
    help="Rule graders: list them, and measure their accuracy.", no_args_is_help=True
)


class CheckFormat(StrEnum):
    """Output formats of ``evals check``."""

    text = "text"
    json = "json"


_MARK = {"pass": "PASS", "fail": "FAIL", "error": "ERROR", "skipped": "SKIP"}
_COLOR = {"pass": "green", "fail": "red", "error": "yellow", "skipped": "blue"}


def register(app: typer.Typer) -> None:
    """Add ``check`` and the ``graders`` command group to ``app``."""
    app.command("check")(check)
    app.add_typer(graders_app, name="graders")


def check(
    path: Annotated[Path, typer.Argument(help="Directory (recursive) or file to check.")],
    grader: Annotated[
        list[str] | None,
        typer.Option("--grader", "-g", help="Run only this grader (repeatable)."),
    ] = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", help="text or json.")] = CheckFormat.text,
    max_evidence: Annotated[
        int, typer.Option("--max-evidence", help="Evidence lines per grade in text output.")
    ] = 20,
) -> None:
    """Run the static rule graders over PATH: lint a PR or a repo against the persona."""
    from graders.check import check_path

    report = check_path(path, grader or None)
    if fmt is CheckFormat.json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        for grade in report.grades:
            _print_grade(grade, max_evidence)
        counts = ", ".join(f"{n} {v}" for v, n in report.summary.items() if n)
        typer.echo(
            f"\n{report.files_checked} file(s), {len(report.graders)} grader(s): {counts} "
            f"({report.duration_s * 1000:.0f} ms)"
        )
    if not report.passed:
        raise typer.Exit(1)


def _print_grade(grade: Grade, max_evidence: int) -> None:
    mark = typer.style(f"{_MARK.get(grade.verdict, grade.verdict):5}", fg=_COLOR.get(grade.verdict))
    rules = ",".join(grade.rule_ids)
    typer.echo(f"{mark} {grade.grader} [{rules}] {grade.reason}")
    for ev in grade.evidence[:max_evidence]:
        where = ":".join(str(x) for x in (ev.file, ev.line, ev.col) if x is not None)
        typer.echo(f"      {where}: {ev.message}")
        if ev.snippet:
            typer.echo(f"          {ev.snippet}")
    hidden = len(grade.evidence) - max_evidence
    if hidden > 0:
        typer.echo(f"      ... {hidden} more (use --format json for all)")


@graders_app.command("eval")
def eval_graders(
    grader: Annotated[
        list[str] | None,
        typer.Option("--grader", "-g", help="Evaluate only this grader (repeatable)."),
    ] = None,
    examples: Annotated[
        Path | None,
        typer.Option("--examples", help="Examples root (default: tests/graders/examples)."),
    ] = None,
    show_mistakes: Annotated[
        bool, typer.Option("--show-mistakes", help="List every misjudged example.")
    ] = False,
    suite: Annotated[
        Path | None,
        typer.Option(
            "--suite",
            help="Also measure agreement with a task suite's gold and flawed solutions.",
        ),
    ] = None,
) -> None:
    """Precision, recall and F1 of each grader on its labelled good/bad examples.

    Exits 1 when a grader is below its floor (F1 0.95 for sql_construction and
    typed_errors, 0.9 for the others) on the examples. ``--suite`` adds an out-of-sample
    table (gold solutions must pass, flawed variants violating the rule must fail);
    it is reported, not gated.
    """
    from graders._accuracy import DEFAULT_EXAMPLES, evaluate, load_examples
    from graders.check import accuracy_floor

    root = examples or DEFAULT_EXAMPLES
    if not root.is_dir():
        raise GraderError("is not a directory of labelled examples", path=root, field="--examples")
    names = list(dict.fromkeys(grader)) if grader else _with_examples(root)
    for name in names:
        if not load_examples(name, root):
            raise GraderError(
                f"no labelled examples for {name!r} under {root}/{name}/{{good,bad}}/",
                field="--grader",
            )
    typer.echo(f"labelled examples ({root})")
    typer.echo(_HEADER + f" {'floor':>6}")
    below: list[str] = []
    for name in names:
        acc = evaluate(name, root)
        floor = accuracy_floor(name)
        ok = acc.f1 >= floor
        if not ok:
            below.append(name)
        status = typer.style("ok" if ok else "BELOW", fg="green" if ok else "red")
        typer.echo(f"{_row(acc)} {floor:>6.2f} {status}")
        if show_mistakes:
            _print_mistakes(acc)
    if suite is not None:
        from graders._suite_agreement import suite_agreement

        typer.echo(f"\nsuite agreement ({suite}: gold solutions and flawed variants)")
        typer.echo(_HEADER)
        for acc in suite_agreement(suite, names).values():
            typer.echo(_row(acc))
            if show_mistakes:
                _print_mistakes(acc)
    if below:
        typer.echo(f"error: below the F1 floor: {', '.join(below)}", err=True)
        raise typer.Exit(1)


_HEADER = (
    f"{'grader':20} {'good':>5} {'bad':>5} {'tp':>4} {'fp':>4} {'fn':>4} {'tn':>4} "
    f"{'precision':>9} {'recall':>7} {'F1':>6}"
)


def _row(acc: Accuracy) -> str:
    return (
        f"{acc.grader:20} {acc.tn + acc.fp:>5} {acc.tp + acc.fn:>5} {acc.tp:>4} {acc.fp:>4} "
        f"{acc.fn:>4} {acc.tn:>4} {acc.precision:>9.3f} {acc.recall:>7.3f} {acc.f1:>6.3f}"
    )


def _print_mistakes(acc: Accuracy) -> None:
    for label, path, verdict, reason in acc.mistakes:
        typer.echo(f"    {label} example judged {verdict}: {path}: {reason}")


def _with_examples(root: Path) -> list[str]:
    """Static graders that have file examples under ``root``."""
    from graders._accuracy import load_examples
    from graders.check import static_grader_names

    return [n for n in static_grader_names() if load_examples(n, root)]


@graders_app.command("list")
def list_graders(
    fmt: Annotated[CheckFormat, typer.Option("--format", help="text or json.")] = CheckFormat.text,
) -> None:
    """Every registered grader: its kind, scope and default rule ids."""
    from graders import StaticGrader, get_grader, grader_names

    rows: list[dict[str, object]] = []
    for name in grader_names():
        try:
            g = get_grader(name)
        except (ImportError, AttributeError) as exc:
            rows.append({"name": name, "kind": "unavailable", "error": str(exc)})
            continue
        kind = "sandbox" if g.needs_sandbox else "static"
        if not isinstance(g, StaticGrader):
            kind = "judge" if name == "judge" else "custom"
        doc = (type(g).__doc__ or "").strip().splitlines()
        rows.append(
            {
                "name": name,
                "kind": kind,
                "scope": g.scope,
                "rules": list(g.default_rules),
                "summary": doc[0] if doc else "",
            }
        )
    if fmt is CheckFormat.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        rules = ",".join(str(r) for r in row.get("rules", []))  # type: ignore[attr-defined]
        detail = row.get("summary") or row.get("error", "")
        typer.echo(f"{row['name']:20} {row['kind']:11} {row.get('scope', ''):9} {rules}")
        if detail:
            typer.echo(f"{'':20} {detail}")
