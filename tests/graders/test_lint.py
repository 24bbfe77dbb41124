"""lint: one ruff call per sample; findings as evidence; labelled examples."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from static_grader_helpers import assert_accuracy, grade

from evals.errors import GraderError
from graders.lint import DEFAULT_SELECT, find_ruff


def test_labelled_examples_reach_the_floor() -> None:
    assert_accuracy("lint")


def test_findings_are_evidence_with_relative_paths() -> None:
    g = grade("lint", {"pkg/app.py": "import os\n\nprint(missing)\n", "ok.py": "X = 1\n"})
    assert g.verdict == "fail"
    assert g.rule_ids == ["commands-lint"]
    by_code = {e.message.split(":")[0]: e for e in g.evidence}
    assert set(by_code) == {"F401", "F821"}
    f821 = by_code["F821"]
    assert (f821.file, f821.line, f821.col, f821.snippet) == ("pkg/app.py", 3, 7, "print(missing)")
    assert "missing" in f821.message
    assert g.metadata["counts"] == {"F401": 1, "F821": 1}
    assert g.score == pytest.approx(0.8)  # 2 findings, threshold 10


def test_clean_code_passes_and_score_floors_at_zero() -> None:
    assert grade("lint", {"a.py": "def f(x: int) -> int:\n    return x + 1\n"}).verdict == "pass"
    many = "".join(f"import mod{i}\n" for i in range(12))
    g = grade("lint", {"a.py": many}, threshold=5)
    assert g.verdict == "fail" and g.score == 0.0 and len(g.evidence) == 12


def test_depends_default_is_not_a_finding() -> None:
    src = (
        "from fastapi import Depends\n\n\ndef dep() -> int:\n    return 1\n\n\n"
        "def endpoint(x: int = Depends(dep)) -> int:\n    return x\n"
    )
    assert grade("lint", {"api.py": src}).verdict == "pass"


def test_select_option_changes_the_rules() -> None:
    src = "x = 1\nif x == None:\n    pass\n"
    assert grade("lint", {"a.py": src}).verdict == "fail"  # E711 is in E7
    assert grade("lint", {"a.py": src}, select=["F"]).verdict == "pass"
    assert DEFAULT_SELECT == ("E4", "E7", "E9", "F", "B")


@pytest.mark.parametrize("bad", [{"select": 3}, {"threshold": 0}, {"ignore": [1]}])
def test_bad_options_are_grader_errors(bad: dict[str, Any]) -> None:
    with pytest.raises(GraderError, match=r"graders\.lint\."):
        grade("lint", {"a.py": "x = 1\n"}, **bad)


def test_syntax_error_is_an_error_grade() -> None:
    g = grade("lint", {"a.py": "def f(:\n"})
    assert g.verdict == "error" and "a.py:1" in g.reason


def test_no_python_files_is_skipped() -> None:
    assert grade("lint", {"README.md": "# hi\n"}).verdict == "skipped"


def test_one_ruff_process_per_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    real = subprocess.run

    def spy(cmd: list[str], *args: Any, **kwargs: Any) -> Any:
        calls.append(cmd)
        return real(cmd, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    files = {f"m{i}.py": "import os\n" for i in range(5)}
    g = grade("lint", files)
    assert len(calls) == 1 and "--isolated" in calls[0] and len(g.evidence) == 5


def test_missing_ruff_is_an_error_not_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graders.lint.find_ruff", lambda: None)
    g = grade("lint", {"a.py": "x = 1\n"})
    assert g.verdict == "error" and "pip install ruff" in g.reason


def test_find_ruff() -> None:
    assert find_ruff() is not None
