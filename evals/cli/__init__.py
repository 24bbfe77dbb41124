"""The ``evals`` command: a thin typer layer over the Python API.

Each command group lives in its own module with a ``register(app)`` function. The
top-level group is lazy: it imports and converts (typer → click) only the module of the
command being run, and ``evals --help`` lists the commands from :data:`COMMANDS` without
converting any of them (converting all ~50 command functions costs more than the rest of
``--help``). User errors (:class:`~evals.errors.EvalsError`) print one line and exit
non-zero with no traceback; Ctrl-C exits 130. Both are handled in :class:`_EvalsGroup`, so
typer's ``CliRunner`` sees exactly what a user sees.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from evals.errors import EvalsError

__all__ = ["COMMANDS", "app", "main"]

#: Every top-level command, in help order: name → (the ``evals.cli`` module whose
#: ``register`` adds it, its one-line help). tests/cli/test_lazy_cli.py checks both
#: against the registered commands, so a new command cannot be missed or mislabelled.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": (
        "run",
        "Run the suite through candidate models, grade every answer, write the run log.",
    ),
    "report": ("report", "Write the run's self-contained HTML scorecard."),
    "compare": (
        "report",
        "Compare two persona revisions rule by rule; print Markdown, write HTML.",
    ),
    "trend": ("report", "Write per-rule trend lines over the runs in RUNS_DIR (oldest first)."),
    "gate": (
        "report",
        "Exit 1 only on a statistically significant per-rule regression against the baseline.",
    ),
    "check": (
        "check",
        "Run the static rule graders over PATH: lint a PR or a repo against the persona.",
    ),
    "doctor": (
        "doctor",
        "Say which sandbox is active and why, whether the runtime venv is ready, how to fix it.",
    ),
    "baseline": (
        "report",
        "The blessed baseline run that `evals gate` and `evals report` compare with.",
    ),
    "persona": (
        "persona",
        "Persona specs: the rules they define, their coverage, and how they changed.",
    ),
    "tasks": ("tasks", "The task suite: list, show, validate, coverage, export."),
    "graders": ("check", "Rule graders: list them, and measure their accuracy."),
    "judge": ("judge", "Calibrate and check the LLM judge."),
    "bench": ("bench", "Benchmarks: print speed and memory figures."),
}


def load_module_commands(module: str) -> dict[str, Any]:
    """The click commands that ``evals.cli.<module>``'s ``register`` adds, by name."""
    sub = typer.Typer(rich_markup_mode=None, add_completion=False)
    sub.callback()(_no_options)  # a callback makes typer build a group even for one command
    importlib.import_module(f"evals.cli.{module}").register(sub)
    group = typer.main.get_command(sub)
    return dict(getattr(group, "commands", {}))


def _no_options() -> None:
    """Placeholder callback of a per-module group."""


class _LazyCommands(MutableMapping[str, Any]):
    """The top-level commands by name; a command's module loads on first lookup."""

    def __init__(self, commands: Mapping[str, Any] | None = None) -> None:
        self._loaded: dict[str, Any] = dict(commands or {})

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded and name in COMMANDS:
            for other, command in load_module_commands(COMMANDS[name][0]).items():
                self._loaded.setdefault(other, command)
        return self._loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (n for n in self._loaded if n not in COMMANDS)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self._loaded

    def summary(self, name: str, limit: int) -> str:
        """``name``'s one-line help, without loading its module when it is not loaded."""
        if name in self._loaded or name not in COMMANDS:
            text: str = self[name].get_short_help_str(limit)
            return text
        return TyperCommand(name, help=COMMANDS[name][1]).get_short_help_str(limit)


class _EvalsGroup(TyperGroup):
    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _LazyCommands(self.commands)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # names only: TyperGroup's .items() would load them all

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        names = self.list_commands(ctx)
        commands = self.commands
        assert isinstance(commands, _LazyCommands)
        limit = formatter.width - 6 - max(len(n) for n in names)
        with formatter.section("Commands"):
            formatter.write_dl([(name, commands.summary(name, limit)) for name in names])

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except EvalsError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None


app = typer.Typer(
    name="evals",
    cls=_EvalsGroup,
    help="Measure whether an AI coding agent behaves the way its persona spec says.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: typer's rich help imports rich + markdown-it (~0.1 s of the 0.3 s
    # budget for `evals --help`); commands still print with rich when they run.
    rich_markup_mode=None,
)
app.callback()(_no_options)  # the commands come from _EvalsGroup.get_command, lazily


def main() -> None:
    """Console-script entry point."""
    from evals.timings import stamp

    stamp("cli")
    app()
