"""The CLI answers fast because heavy libraries load only when a command runs.

Behavioural, not timed: in a fresh interpreter, ``evals --help`` imports no command
module at all (the top-level group is lazy), and building every command (what
``evals <command> --help`` pays for one of them) imports neither the data stack, the SDKs
nor rich. ``evals bench cli`` prints the timings.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Modules a command may need but ``evals --help`` must not pay for.
HEAVY = (
    "pandas",
    "numpy",
    "scipy",
    "matplotlib",
    "pyarrow",
    "anthropic",
    "openai",
    "httpx",
    "datasets",
    "jinja2",
    "pydantic",
    "yaml",
    "rich",
    "asyncio",
    "evals.runner",
    "evals.sandbox",
    "graders",
    "reports",
)

#: What `evals --help` does: build the top-level group and format its help page.
_HELP_PROBE = """
import json, sys
import typer.main
import evals.cli
group = typer.main.get_command(evals.cli.app)
group.main(["--help"], prog_name="evals", standalone_mode=False)
print(json.dumps(sorted(m.split(".")[0] if not m.startswith("evals.") else m
                        for m in sys.modules)))
"""

#: Build every command (what `evals <command> --help` pays for one of them).
_PROBE = """
import json, sys
import typer.main
import evals.cli
group = typer.main.get_command(evals.cli.app)
ctx = group.make_context("evals", ["--help"], resilient_parsing=True)
assert all(group.get_command(ctx, name) is not None for name in evals.cli.COMMANDS)
print(json.dumps(sorted(m.split(".")[0] if not m.startswith("evals.") else m
                        for m in sys.modules)))
"""


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_top_level_help_imports_no_command_module() -> None:
    loaded = _loaded_after(_HELP_PROBE)
    assert "evals.cli" in loaded  # the probe really ran
    commands = sorted(m for m in loaded if m.startswith("evals.cli."))
    assert commands == []


def test_building_every_command_imports_nothing_heavy() -> None:
    loaded = _loaded_after(_PROBE)
    assert {"typer", "evals.cli.run", "evals.cli.bench_sandbox"} <= loaded  # all were built
    assert sorted(m for m in HEAVY if m in loaded) == []


def test_the_probe_sees_heavy_imports_when_a_module_makes_them() -> None:
    # The same probe after importing the runner must report it: the check above can fail.
    loaded = _loaded_after("import evals.runner\n" + _PROBE)
    assert {"evals.runner", "pydantic"} <= loaded


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["run", "--help"], ["tasks", "--help"], ["bench", "sandbox", "--help"]],
)
def test_help_pages_still_describe_the_commands(argv: list[str]) -> None:
    from typer.testing import CliRunner

    from evals.cli import app

    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    assert "Usage: evals" in result.output
    assert "--help" in result.output


def test_building_the_grading_plan_does_not_import_the_data_stack() -> None:
    # A run instantiates every grader, the judge included, even with no judge configured.
    code = (
        "import json, sys\n"
        "from graders import get_grader, grader_names\n"
        "[get_grader(n) for n in grader_names()]\n"
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))\n"
    )
    loaded = _loaded_after(code)
    assert "graders" in loaded
    assert sorted(m for m in ("pandas", "scipy", "matplotlib", "anthropic") if m in loaded) == []


def test_every_lazy_judge_export_resolves() -> None:
    import graders.judge as judge

    assert set(judge.__all__) == set(judge._HOME)
    for name in judge.__all__:
        assert getattr(judge, name) is not None
    with pytest.raises(AttributeError):
        _ = judge.no_such_name


def test_an_offline_run_does_not_import_the_agent_package() -> None:
    # evals.agent (its proxy, httpx) costs ~50 ms on the way to the first sample; the
    # runner tells agents apart without it (evals.runner._sample.is_agent).
    code = (
        "import json, sys, tempfile, pathlib\n"
        "from evals.runner import RunConfig, Runner\n"
        "out = pathlib.Path(tempfile.mkdtemp())\n"
        "runner = Runner(RunConfig(models=['oracle/gold']), out / 'run')\n"
        "runner._provider('oracle/gold')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('evals.'))))\n"
    )
    loaded = _loaded_after(code)
    assert "evals.runner._run" in loaded
    assert sorted(m for m in loaded if m.startswith("evals.agent")) == []


def test_is_agent_still_recognises_an_agent_provider() -> None:
    from evals.agent._job import AgentProvider
    from evals.runner._sample import is_agent

    class Fake(AgentProvider):
        pass

    assert is_agent(object.__new__(Fake))
    assert not is_agent(object())
