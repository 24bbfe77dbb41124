"""The ``evals`` command: a thin typer layer over the Python API.

Each command group lives in its own module with a ``register(app)`` function. User
errors (:class:`~evals.errors.EvalsError`) print one line and exit non-zero with no
traceback; Ctrl-C exits 130. Both are handled in :class:`_EvalsGroup`, so typer's
``CliRunner`` sees exactly what a user sees.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

from evals.errors import EvalsError

__all__ = ["app", "main"]


class _EvalsGroup(TyperGroup):
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

_COMMAND_MODULES = ("run", "report", "persona", "tasks", "check", "doctor", "judge", "bench")

for _name in _COMMAND_MODULES:
    importlib.import_module(f"evals.cli.{_name}").register(app)


def main() -> None:
    """Console-script entry point."""
    app()
