"""The lazy top-level group behaves exactly like the eager one typer would build.

``evals.cli.COMMANDS`` names each command's module and one-line help so that
``evals --help`` converts no command; these tests keep that table true.
"""

from __future__ import annotations

import importlib

import pytest
import typer
from typer.testing import CliRunner

from evals.cli import COMMANDS, app, load_module_commands

MODULES = list(dict.fromkeys(module for module, _ in COMMANDS.values()))
#: The registration order of the eager CLI (its help lists commands, then groups).
EAGER_ORDER = ("run", "report", "persona", "tasks", "check", "doctor", "judge", "bench")


def _eager_app() -> typer.Typer:
    """The CLI as typer builds it when every module registers up front (the old way)."""
    eager = typer.Typer(
        name="evals",
        help="Measure whether an AI coding agent behaves the way its persona spec says.",
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
    )
    assert sorted(EAGER_ORDER) == sorted(MODULES)
    for module in EAGER_ORDER:
        importlib.import_module(f"evals.cli.{module}").register(eager)
    return eager


@pytest.mark.parametrize("module", MODULES)
def test_the_table_names_every_command_of_each_module(module: str) -> None:
    registered = set(load_module_commands(module))
    assert registered, module
    assert registered == {name for name, (home, _) in COMMANDS.items() if home == module}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_table_help_is_the_command_help(name: str) -> None:
    command = load_module_commands(COMMANDS[name][0])[name]
    assert (command.help or "").split("\n\n")[0].strip() == COMMANDS[name][1]


def test_top_level_help_equals_the_eager_help() -> None:
    lazy = CliRunner().invoke(app, ["--help"], terminal_width=100)
    eager = CliRunner().invoke(_eager_app(), ["--help"], terminal_width=100)
    assert lazy.exit_code == eager.exit_code == 0
    assert lazy.output == eager.output
    assert "bench     Benchmarks: print speed and memory figures." in lazy.output


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--help"],
        ["tasks", "list", "--help"],
        ["baseline", "--help"],
        ["bench", "cli", "--help"],
        ["rnu"],
        ["tasks", "nosuch"],
    ],
)
def test_subcommands_parse_and_fail_like_the_eager_cli(argv: list[str]) -> None:
    lazy = CliRunner().invoke(app, argv, terminal_width=100)
    eager = CliRunner().invoke(_eager_app(), argv, terminal_width=100)
    assert (lazy.exit_code, lazy.output) == (eager.exit_code, eager.output)


def test_a_typo_still_gets_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["rnu"])
    assert result.exit_code == 2
    assert "Did you mean 'run'?" in result.output
