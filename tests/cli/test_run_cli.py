"""`evals run` and `evals tasks` through typer's CliRunner, as a user sees them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.cli import app

ROOT = Path(__file__).resolve().parents[2]
SUITE = str(ROOT / "tests" / "fixtures" / "suite")
PERSONA = str(ROOT / "personas" / "backend-engineer.md")
runner = CliRunner()


def _run(*args: str) -> object:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_run_writes_log_manifest_and_scorecard(tmp_path: Path) -> None:
    out = tmp_path / "X"
    result = _run(
        "run",
        "--suite",
        SUITE,
        "--persona",
        PERSONA,
        "--model",
        "oracle/gold",
        "--model",
        "oracle/flawed",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == str(out)
    assert (out / "samples.jsonl").exists() and (out / "manifest.json").exists()
    assert (out / "scorecard.html").read_text().lstrip().lower().startswith("<!doctype html")
    lines = (out / "samples.jsonl").read_text().splitlines()
    assert len(lines) == 4 and all(json.loads(x)["grades"] for x in lines)
    again = _run("run", "--suite", SUITE, "--persona", PERSONA, "--out", str(out))
    assert again.exit_code == 2 and "already holds a run" in again.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--model", "nosuch/x"], "unknown provider 'nosuch'"),
        (["--model", "gold"], "must look like provider/model"),
        (["--task", "zzz"], "unknown task 'zzz'"),
        (["--persona", "missing.md"], "missing.md"),
        (["--epochs", "0"], "--epochs"),
        (["--model", "replay/nope.jsonl"], "nope.jsonl"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], needle: str) -> None:
    result = _run(
        "run", "--suite", SUITE, "--persona", PERSONA, "--out", str(tmp_path / "r"), *args
    )
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_resume_of_a_non_run_is_an_error(tmp_path: Path) -> None:
    result = _run("run", "--resume", str(tmp_path))
    assert result.exit_code == 2 and "not a run directory" in result.stderr


def test_resume_refuses_to_change_the_plan(tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert (
        _run(
            "run", "--suite", SUITE, "--persona", PERSONA, "--no-report", "--out", str(out)
        ).exit_code
        == 0
    )
    result = _run("run", "--resume", str(out), "--epochs", "3")
    assert result.exit_code == 2 and "cannot change epochs" in result.stderr
    assert _run("run", "--resume", str(out)).exit_code == 0


def test_tasks_list_show_coverage(tmp_path: Path) -> None:
    listed = _run("tasks", "list", "--suite", SUITE)
    assert listed.exit_code == 0 and "calc" in listed.stdout
    shown = _run("tasks", "show", "calc", "--suite", SUITE)
    assert (
        shown.exit_code == 0 and "off-by-one" in shown.stdout and "## How to answer" in shown.stdout
    )
    cov = _run("tasks", "coverage", "--suite", SUITE, "--persona", PERSONA, "--minimum", "1")
    assert "| never-sql-concat | sql_construction | 1 | ✓ |" in cov.stdout
    assert cov.exit_code == 1  # many rules have no task in the one-task fixture suite


def test_tasks_validate_fixture(tmp_path: Path) -> None:
    result = _run("tasks", "validate", "calc", "--suite", SUITE, "--persona", PERSONA)
    assert result.exit_code == 0, result.output
    assert "0 problems" in result.stdout


def test_validate_catches_a_lying_declaration(tmp_path: Path) -> None:
    import shutil

    suite = tmp_path / "suite"
    shutil.copytree(SUITE, suite)
    spec = suite / "calc" / "task.yaml"
    text = spec.read_text().replace(
        "violates: [never-sql-concat, always-parameterized-queries]",
        "violates: [never-deploy-untested]",
    )
    spec.write_text(text)
    result = _run("tasks", "validate", "--all", "--suite", str(suite), "--persona", PERSONA)
    assert result.exit_code == 1
    err = " ".join(result.stderr.split())
    assert "[sql-fstring]: should fail never-deploy-untested" in err
    assert "[sql-fstring]: unexpectedly fails always-parameterized-queries" in err
    assert "no flawed variant violates never-sql-concat" in err


def test_export_hf_and_run_from_it(tmp_path: Path) -> None:
    pytest.importorskip("datasets")
    out = tmp_path / "hf"
    result = _run("tasks", "export", str(out), "--suite", SUITE, "--include-hidden")
    assert result.exit_code == 0, result.output
    assert (out / "data" / "train.parquet").exists() and "persona-evals" in (
        out / "README.md"
    ).read_text()
    run_dir = tmp_path / "run"
    ran = _run(
        "run", "--suite", str(out), "--persona", PERSONA, "--no-report", "--out", str(run_dir)
    )
    assert ran.exit_code == 0, ran.output
    lean = tmp_path / "lean"
    _run("tasks", "export", str(lean), "--suite", SUITE)
    from evals.tasks import load_suite

    task = load_suite(lean).tasks[0]
    assert task.hidden_tests == {} and task.solution == {} and task.starter


def test_readme_coverage_table_is_current(tmp_path: Path) -> None:
    """The README's rules × tasks table is generated; regenerate it when tasks change."""
    readme = tmp_path / "README.md"
    original = (ROOT / "README.md").read_text()
    readme.write_text(original)
    result = _run(
        "tasks",
        "coverage",
        "--suite",
        str(ROOT / "tasks"),
        "--persona",
        PERSONA,
        "--update",
        str(readme),
    )
    assert result.exit_code == 0, result.output
    assert readme.read_text() == original, (
        "README coverage table is stale: run `evals tasks coverage --update README.md`"
    )
