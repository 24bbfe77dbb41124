"""`evals check`, `evals graders eval|list`, `evals bench graders`, and graders.check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.cli import app
from graders.check import CHECK_SCHEMA_VERSION, check_path, collect_files, static_grader_names

runner = CliRunner()

BAD = 'import time\n\nAPI_KEY = "sk-proj-VQRNM6xfRY0fFJDVpNWcDmggZvLdioGdBX3jWbUp"\n'
CLEAN = "def add(a: int, b: int) -> int:\n    return a + b\n"


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return tmp_path


def test_static_graders_exclude_sandbox_and_judge() -> None:
    names = static_grader_names()
    for mine in ("lint", "secrets_in_code", "async_blocking", "n_plus_one"):
        assert mine in names
    assert "input_validation" in names and "structured_logging" in names
    assert "tests_pass" not in names and "tests_included" not in names and "judge" not in names


def test_json_report_schema_and_relative_paths(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"svc/config.py": BAD, "svc/util.py": CLEAN})
    result = runner.invoke(app, ["check", str(root), "--format", "json", "-g", "secrets_in_code"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["schema_version"] == CHECK_SCHEMA_VERSION
    assert report["tool"] == "persona-evals"
    assert report["passed"] is False and report["files_checked"] == 2
    assert report["summary"] == {"pass": 0, "fail": 1, "error": 0, "skipped": 0}
    (g,) = report["grades"]
    assert g["grader"] == "secrets_in_code" and g["verdict"] == "fail"
    assert g["rule_ids"] == ["never-secrets-in-code"]
    ev = g["evidence"][0]
    assert ev["file"] == "svc/config.py" and ev["line"] == 3
    assert set(ev) >= {"file", "line", "col", "snippet", "message"}


def test_text_output_and_exit_codes(tmp_path: Path) -> None:
    bad = _tree(tmp_path / "bad", {"app.py": BAD})
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 1
    assert "FAIL" in result.output and "app.py:3" in result.output
    assert "F401" in result.output  # lint: unused import time
    clean = _tree(tmp_path / "clean", {"lib.py": CLEAN})
    result = runner.invoke(app, ["check", str(clean), "-g", "lint", "-g", "secrets_in_code"])
    assert result.exit_code == 0, result.output
    assert "2 pass" in result.output


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["check", "/no/such/dir"], "does not exist"),
        (["check", ".", "-g", "nope"], "unknown grader 'nope'"),
        (["check", ".", "-g", "tests_pass"], "needs the sandbox"),
        (["check", ".", "-g", "judge"], "LLM judge"),
    ],
)
def test_usage_errors_exit_2(args: list[str], needle: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert needle in result.output and "Traceback" not in result.output


def test_walk_skips_vendored_dirs_and_reads_configs(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "app.py": CLEAN,
            ".venv/lib/x.py": BAD,
            "node_modules/m/y.py": BAD,
            "pkg/__pycache__/z.py": BAD,
            ".github/workflows/ci.yml": "on: push\n",
            "deploy/.env": "DEBUG=1\n",
            "README.md": "# hi\n",
        },
    )
    (root / "bin.py").write_bytes(b"\xff\xfe\x00")
    files, skipped = collect_files(root)
    assert sorted(files) == [".github/workflows/ci.yml", "app.py", "deploy/.env"]
    assert skipped == ["bin.py"]


def test_single_file_and_unparsable_file_are_reported(tmp_path: Path) -> None:
    f = tmp_path / "broken.py"
    f.write_text("def f(:\n")
    report = check_path(f, ["secrets_in_code", "n_plus_one"])
    assert [g.verdict for g in report.grades] == ["error", "error"]
    assert report.passed is False and "broken.py:1" in report.grades[0].reason


def test_graders_eval_prints_accuracy_and_enforces_floors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["graders", "eval", "-g", "lint"])
    assert result.exit_code == 0, result.output
    assert "lint" in result.output and "precision" in result.output
    # A labelled set the grader disagrees with falls below the floor: exit 1.
    _tree(tmp_path, {"lint/good/a.py": "import os\n", "lint/bad/b.py": CLEAN})
    result = runner.invoke(
        app, ["graders", "eval", "-g", "lint", "--examples", str(tmp_path), "--show-mistakes"]
    )
    assert result.exit_code == 1
    assert "BELOW" in result.output and "good example judged fail" in result.output
    result = runner.invoke(
        app, ["graders", "eval", "-g", "n_plus_one", "--examples", str(tmp_path)]
    )
    assert result.exit_code == 2 and "no labelled examples" in result.output


def test_graders_list() -> None:
    result = runner.invoke(app, ["graders", "list", "--format", "json"])
    assert result.exit_code == 0
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["lint"]["kind"] == "static" and rows["lint"]["scope"] == "all"
    assert rows["structured_logging"]["scope"] == "declared"
    assert rows["tests_pass"]["kind"] == "sandbox"


def test_bench_graders_prints_per_grader_and_total() -> None:
    result = runner.invoke(
        app, ["bench", "graders", "--repeat", "2", "-g", "secrets_in_code", "-g", "n_plus_one"]
    )
    assert result.exit_code == 0, result.output
    assert "secrets_in_code" in result.output and "n_plus_one" in result.output
    assert "total" in result.output and "lines" in result.output


@pytest.mark.slow
def test_graders_agree_with_the_task_suite_labels() -> None:
    """Out of sample: gold solutions pass, flawed variants breaking the rule fail."""
    from graders._suite_agreement import suite_agreement

    mine = [
        "lint", "secrets_in_code", "async_blocking", "n_plus_one", "input_validation",
        "structured_logging",
    ]  # fmt: skip
    suite = Path(__file__).resolve().parents[2] / "tasks"
    for name, acc in suite_agreement(suite, mine).items():
        assert acc.tp >= 1, name
        assert acc.f1 >= 0.9, (name, acc.mistakes)
    result = runner.invoke(app, ["graders", "eval", "-g", "lint", "--suite", str(suite)])
    assert result.exit_code == 0 and "suite agreement" in result.output
