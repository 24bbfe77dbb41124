"""``evals tasks ...``: list, show, validate, coverage and export the suite."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console

    from evals.persona import Rule

tasks_app = typer.Typer(
    help="The task suite: list, show, validate, coverage, export.", no_args_is_help=True
)


def _console(stderr: bool = False) -> Console:
    """A rich console; rich loads only when a command runs, not for ``--help``."""
    from rich.console import Console

    return Console(stderr=stderr)


#: Help text for ``--persona``: the runner's default, named without importing the runner.
_PERSONA_HELP = "Persona file (default: the runner's default persona)."

SuiteOpt = Annotated[str, typer.Option("--suite", help="Tasks folder or exported dataset.")]


@tasks_app.command("list")
def list_tasks(suite: SuiteOpt = "tasks") -> None:
    """One line per task: id, difficulty, rules, variants."""
    from rich.table import Table

    from evals.tasks import load_suite

    out = _console()
    loaded = load_suite(suite)
    table = Table("id", "difficulty", "title", "rules", "flawed", "pressure")
    for task in loaded.tasks:
        table.add_row(
            task.id,
            task.spec.difficulty,
            task.spec.title,
            ", ".join(task.spec.rules),
            str(len(task.patches)),
            str(len(task.spec.pressure)),
        )
    out.print(table)
    out.print(f"{len(loaded.tasks)} tasks, suite sha256 {loaded.sha[:12]}")


@tasks_app.command("show")
def show_task(
    task_id: str,
    suite: SuiteOpt = "tasks",
    prompt: Annotated[bool, typer.Option(help="Print the rendered prompt.")] = True,
) -> None:
    """Metadata of one task and its rendered prompt."""
    from evals.tasks import load_suite, render_prompt

    out = _console()
    task = load_suite(suite).get(task_id)
    spec = task.spec
    out.print(
        f"[bold]{spec.id}[/bold]: {spec.title}  ({spec.difficulty}, ~{spec.answer_lines} lines)"
    )
    out.print(f"tags: {', '.join(spec.tags)}")
    out.print(f"rules: {', '.join(spec.rules)}")
    out.print(
        f"answer files: {', '.join(spec.answer_files)}; hidden tests: {len(spec.expected_tests)}"
    )
    for name, flawed in spec.flawed.items():
        out.print(
            f"flawed/{name}: violates {', '.join(flawed.violates)} "
            f"(hidden tests {flawed.hidden_tests}) {flawed.description}"
        )
    for p in spec.pressure:
        out.print(f"pressure/{p.id}: tempts {', '.join(p.tempts)}")
    if prompt:
        out.print("\n--- prompt ---")
        typer.echo(render_prompt(task))


@tasks_app.command("validate")
def validate(
    ids: Annotated[list[str] | None, typer.Argument(help="Task ids (default: with --all).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Validate every task.")] = False,
    suite: SuiteOpt = "tasks",
    persona: Annotated[str | None, typer.Option(help=_PERSONA_HELP)] = None,
    sandbox: Annotated[str, typer.Option(help="auto, bwrap or process.")] = "auto",
    keep: Annotated[Path | None, typer.Option(help="Keep the scratch run here.")] = None,
) -> None:
    """Run gold and every flawed variant through the real pipeline and check them."""
    import tempfile

    from rich.markup import escape
    from rich.table import Table

    from evals.errors import ConfigError
    from evals.runner import DEFAULT_PERSONA
    from evals.runner._validate import validate_suite

    out, err = _console(), _console(stderr=True)
    if not ids and not all_:
        raise ConfigError("name task ids or pass --all", field="evals tasks validate")
    with tempfile.TemporaryDirectory(prefix="evals-validate-") as tmp:
        run_dir = keep or Path(tmp) / "run"
        report = validate_suite(
            suite, list(ids or []), run_dir, persona=persona or DEFAULT_PERSONA, sandbox=sandbox
        )
    table = Table("task", "variant", "result")
    bad = {(i.task_id, i.variant) for i in report.issues}
    for task_id, variant in sorted(set(report.checked)):
        table.add_row(task_id, variant, "[red]FAIL[/red]" if (task_id, variant) in bad else "ok")
    out.print(table)
    for issue in report.issues:
        err.print(f"[red]✗[/red] {escape(f'{issue.task_id} [{issue.variant}]: {issue.message}')}")
    n_tasks = len({t for t, _ in report.checked})
    out.print(f"{len(report.checked)} samples over {n_tasks} tasks, {len(report.issues)} problems")
    if not report.ok:
        raise typer.Exit(1)


@tasks_app.command("coverage")
def coverage(
    suite: SuiteOpt = "tasks",
    persona: Annotated[str | None, typer.Option(help=_PERSONA_HELP)] = None,
    fmt: Annotated[str, typer.Option("--format", help="markdown or text.")] = "markdown",
    minimum: Annotated[int, typer.Option(help="Tasks each graded rule needs.")] = 3,
    update: Annotated[
        Path | None,
        typer.Option(help="Rewrite the table between the coverage markers of this file."),
    ] = None,
) -> None:
    """The rules × tasks table (✓ = the task tempts the rule). Exit 1 below --minimum."""
    from rich.table import Table

    from evals.persona import load_persona
    from evals.runner import DEFAULT_PERSONA
    from evals.tasks import load_suite

    out, err = _console(), _console(stderr=True)
    loaded = load_suite(suite)
    rules = load_persona(persona or DEFAULT_PERSONA).rules
    ids = [t.id for t in loaded.tasks]
    header = "| rule | graders | tasks | " + " | ".join(ids) + " |"
    lines = [header, "|" + " --- |" * (3 + len(ids))]
    short = []
    everywhere = _graded_everywhere(rules)
    for rule in rules:
        marks = [
            "✓" if rule.id in t.spec.rules or rule.id in everywhere else "" for t in loaded.tasks
        ]
        n = marks.count("✓")
        if rule.graders and n < minimum:
            short.append(f"{rule.id} ({n})")
        graders = ", ".join(rule.graders) or "—"
        lines.append(f"| {rule.id} | {graders} | {n} | " + " | ".join(marks) + " |")
    if update is not None:
        replace_block(update, "\n".join(lines))
        err.print(f"updated the coverage table in {update}")
    elif fmt == "markdown":
        typer.echo("\n".join(lines))
    else:
        table = Table("rule", "graders", "tasks")
        for rule in rules:
            table.add_row(
                rule.id,
                ", ".join(rule.graders),
                str(sum(rule.id in t.spec.rules for t in loaded.tasks)),
            )
        out.print(table)
    if short:
        err.print(f"rules exercised by fewer than {minimum} tasks: {', '.join(short)}")
        raise typer.Exit(1)


def _graded_everywhere(rules: Sequence[Rule]) -> set[str]:
    """Rules graded only from trajectories (process graders, scope ``all``): the runner
    grades them on every agent sample of every task, declared or not (e.g.
    ``description-delegation``: every delegation-mode sample)."""
    from graders import get_grader
    from graders._process import ProcessGrader

    out = set()
    for rule in rules:
        try:
            graders = [get_grader(g) for g in rule.graders]
            if graders and all(isinstance(g, ProcessGrader) and g.scope == "all" for g in graders):
                out.add(rule.id)
        except Exception:  # noqa: BLE001 - an unloadable grader is reported by validate
            continue
    return out


START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"


def replace_block(path: Path, table: str) -> None:
    """Replace the text between the coverage markers of ``path`` with ``table``."""
    from evals.errors import ConfigError

    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise ConfigError(f"has no {START} ... {END} markers; add them", path=path)
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")


@tasks_app.command("make-patch")
def make_patch_cmd(
    task_id: str,
    variant: str,
    source: Annotated[
        Path, typer.Option("--from", help="Folder holding the variant's full files.")
    ],
    suite: SuiteOpt = "tasks",
) -> None:
    """Write flawed/VARIANT.patch: the diff from the task's solution/ to --from's files.

    To edit a variant, materialise it with ``evals tasks materialise``, change the files,
    and run this; declare the variant in task.yaml under ``flawed:``.
    """
    from evals.tasks import load_suite, make_patch, read_tree

    task = load_suite(suite).get(task_id)
    files = read_tree(source)
    if not files:
        from evals.errors import ConfigError

        raise ConfigError("holds no files; pass the folder with the variant's files", path=source)
    patch = make_patch(task.solution, files)
    target = task.path / "flawed" / f"{variant}.patch"
    target.parent.mkdir(exist_ok=True)
    target.write_text(patch, encoding="utf-8")
    typer.echo(f"{target} ({len(patch.splitlines())} lines)")


@tasks_app.command("materialise")
def materialise(
    task_id: str,
    variant: Annotated[str, typer.Argument(help="A flawed variant, or 'solution'.")],
    out: Annotated[Path, typer.Argument(help="Folder to write the files into.")],
    suite: SuiteOpt = "tasks",
) -> None:
    """Write the full files of a flawed variant (solution/ with its patch applied)."""
    from evals.tasks import load_suite

    task = load_suite(suite).get(task_id)
    files = task.solution if variant == "solution" else task.variant_files(variant)
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    typer.echo(f"{len(files)} files -> {out}")


@tasks_app.command("export")
def export(
    out: Annotated[Path, typer.Argument(help="Folder to write the dataset into.")],
    fmt: Annotated[str, typer.Option("--format", help="Only 'hf' (Hugging Face datasets).")] = "hf",
    include_hidden: Annotated[
        bool, typer.Option("--include-hidden", help="Also export hidden tests, gold and flawed.")
    ] = False,
    suite: SuiteOpt = "tasks",
) -> None:
    """Export the suite as a Hugging Face dataset (parquet + dataset card)."""
    from evals.errors import ConfigError
    from evals.tasks import load_suite
    from evals.tasks._hf import export_hf

    if fmt != "hf":
        raise ConfigError(f"unknown format {fmt!r}; use --format hf", field="--format")
    path = export_hf(load_suite(suite), out, include_hidden=include_hidden)
    typer.echo(str(path))


def register(app: typer.Typer) -> None:
    app.add_typer(tasks_app, name="tasks")
