"""``evals bench ...``: benchmarks that print numbers (never timed unit tests)."""

from __future__ import annotations

import importlib

import typer

bench_app = typer.Typer(help="Benchmarks: print speed and memory figures.", no_args_is_help=True)

#: Each module defines ``register(bench_app)`` adding one ``evals bench <name>`` command.
_BENCH_MODULES = (
    "bench_cli",
    "bench_sandbox",
    "bench_providers",
    "bench_graders",
    "bench_report",
    "bench_agent",
    "bench_ray",
)


def register(app: typer.Typer) -> None:
    for name in _BENCH_MODULES:
        importlib.import_module(f"evals.cli.{name}").register(bench_app)
    app.add_typer(bench_app, name="bench")
