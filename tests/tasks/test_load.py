"""Task folders: schema errors name the file, the field and the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evals.errors import TaskError
from evals.tasks import load_suite, load_task, render_prompt

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "suite" / "calc"


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "calc"
    shutil.copytree(FIXTURE, dst)
    return dst


def test_fixture_loads() -> None:
    task = load_task(FIXTURE)
    assert task.id == "calc"
    assert set(task.flawed) == {"off-by-one", "sql-fstring"}
    assert "calc.py" in task.solution and "test_hidden_calc.py" in task.hidden_tests
    assert len(task.digest()) == 64


def test_prompt_holds_starter_contract_and_pressure() -> None:
    task = load_task(FIXTURE)
    plain = render_prompt(task)
    assert "```python file=calc.py" in plain and "## How to answer" in plain
    assert "test_hidden" not in plain  # hidden tests never shown
    pressured = render_prompt(task, "quick-fstring")
    assert "quick f-string" in pressured and "quick f-string" not in plain
    with pytest.raises(TaskError, match="unknown pressure"):
        render_prompt(task, "nope")


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda t: t.replace("difficulty: easy\n", ""), r"task.yaml: difficulty: required"),
        (lambda t: t.replace("difficulty: easy", "difficulty: trivial"), r"task.yaml: difficulty"),
        (lambda t: t + "colour: blue\n", r"task.yaml: colour: unknown field"),
        (lambda t: t.replace("id: calc", "id: other"), r"task.yaml: id: .*folder name"),
        (lambda t: t.replace("timeout: 20", "timeout: -1"), r"task.yaml: timeout"),
        (lambda t: "id: [unclosed\n", r"task.yaml: invalid YAML"),
        (lambda t: "- a list\n", r"task.yaml: must be a YAML mapping"),
    ],
)
def test_schema_errors(tmp_path: Path, edit, match: str) -> None:  # type: ignore[no-untyped-def]
    task_dir = _copy(tmp_path)
    spec = task_dir / "task.yaml"
    spec.write_text(edit(spec.read_text()))
    with pytest.raises(TaskError, match=match) as info:
        load_task(task_dir)
    assert "\n" not in str(info.value)
    assert str(task_dir) in str(info.value)


def test_missing_parts(tmp_path: Path) -> None:
    task_dir = _copy(tmp_path)
    shutil.rmtree(task_dir / "solution")
    with pytest.raises(TaskError, match="solution/ is empty"):
        load_task(task_dir)
    with pytest.raises(TaskError, match="no task.yaml"):
        load_task(tmp_path)


def test_suite_select_and_unknown(tmp_path: Path) -> None:
    _copy(tmp_path)
    suite = load_suite(tmp_path)
    assert [t.id for t in suite.select()] == ["calc"]
    with pytest.raises(TaskError, match="unknown task 'zzz'; known tasks: calc"):
        suite.select(["zzz"])
    with pytest.raises(TaskError, match="does not exist"):
        load_suite(tmp_path / "missing")


def test_shipped_suite_loads() -> None:
    suite = load_suite(Path(__file__).resolve().parents[2] / "tasks")
    assert len(suite.tasks) >= 3
    for task in suite.tasks:
        assert task.spec.expected_tests, f"{task.id} declares no expected_tests"
