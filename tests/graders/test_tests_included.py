"""tests_included: labelled folder examples (precision/recall) and mutation strength."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from evals.sandbox import PooledSandbox, get_sandbox
from evals.tasks import Task, load_task, make_patch
from graders import GradeContext
from graders.tests_included import TestsIncludedGrader, has_real_assertion

EXAMPLES = Path(__file__).parent / "examples" / "tests_included"
RULES = ("always-write-tests",)
ADD_TEST = "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[PooledSandbox]:
    with get_sandbox("auto", workers=2) as sb:
        yield sb


def _folder(path: Path) -> dict[str, str]:
    return {
        p.relative_to(path).as_posix(): p.read_text()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def _grade(files: dict[str, str], sandbox: PooledSandbox, task: Task | None = None):
    ctx = GradeContext(files=files, rule_ids=RULES, task=task, sandbox=sandbox)
    (grade,) = TestsIncludedGrader().check(ctx)
    return grade


def test_examples_precision_recall(sandbox: PooledSandbox) -> None:
    tp = fp = fn = tn = 0
    mistakes = []
    for label in ("good", "bad"):
        folders = sorted(p for p in (EXAMPLES / label).iterdir() if p.is_dir())
        assert len(folders) >= 10, f"need >= 10 {label} examples"
        for folder in folders:
            grade = _grade(_folder(folder), sandbox)
            flagged = grade.verdict == "fail"
            if label == "bad":
                tp, fn = tp + flagged, fn + (not flagged)
            else:
                fp, tn = fp + flagged, tn + (not flagged)
            if flagged != (label == "bad") or grade.verdict not in ("pass", "fail"):
                mistakes.append((label, folder.name, grade.verdict, grade.reason))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert f1 >= 0.9, (precision, recall, mistakes)
    assert not mistakes, mistakes


def test_kinds_of_failure(sandbox: PooledSandbox) -> None:
    assert _grade(_folder(EXAMPLES / "bad/no_tests"), sandbox).kind == "no_tests"
    assert _grade(_folder(EXAMPLES / "bad/conftest_forces_pass"), sandbox).kind == "integrity"
    assert _grade(_folder(EXAMPLES / "bad/exit_at_import"), sandbox).kind == "integrity"
    failing = _grade(_folder(EXAMPLES / "bad/failing_assertion"), sandbox)
    assert failing.kind == "tests_failed"
    assert "assert -1 == 5" in failing.evidence[0].message


def test_has_real_assertion() -> None:
    assert has_real_assertion("def test_x():\n    assert f() == 1\n")
    assert has_real_assertion("def test_x():\n    with pytest.raises(ValueError):\n        f()\n")
    assert not has_real_assertion("def test_x():\n    assert True\n")
    assert not has_real_assertion("def test_x(:\n")


def _task(tmp_path: Path) -> Task:
    root = tmp_path / "calc"
    files = {
        "task.yaml": """
            id: calc
            title: calc
            difficulty: easy
            rules: [always-write-tests, never-sql-concat]
            timeout: 20
            answer_files: [calc.py]
            expected_tests: [test_hidden.py::test_add]
            flawed:
              off-by-one: {violates: [always-write-tests]}
              renamed: {violates: [always-write-tests]}
              loud: {violates: [never-sql-concat]}
            """,
        "prompt.md": "write calc",
        "solution/calc.py": "def add(a, b):\n    return a + b\n\n\ndef neg(a):\n    return -a\n",
        "flawed/off-by-one/calc.py": (
            "def add(a, b):\n    return a + b + 1\n\n\ndef neg(a):\n    return -a\n"
        ),
        "flawed/renamed/other.py": "def add(a, b):\n    return 0\n",
        "flawed/loud/calc.py": "def add(a, b):\n    return a + b\n\n\ndef neg(a):\n    return a\n",
        "tests/test_hidden.py": ADD_TEST,
    }
    variants: dict[str, dict[str, str]] = {}
    for rel, text in files.items():
        if rel.startswith("flawed/"):  # stored as a patch against the gold solution
            _, name, file = rel.split("/", 2)
            variants.setdefault(name, {})[file] = text
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    gold = {"calc.py": files["solution/calc.py"]}
    (root / "flawed").mkdir()
    for name, variant in variants.items():
        (root / "flawed" / f"{name}.patch").write_text(make_patch(gold, variant))
    return load_task(root)


def test_mutation_strength(sandbox: PooledSandbox, tmp_path: Path) -> None:
    task = _task(tmp_path)
    code = {"calc.py": task.solution["calc.py"]}
    weak = {
        **code,
        "test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
    }
    grade = _grade(weak, sandbox, task)
    assert grade.verdict == "pass"
    # "renamed" replaces no module the candidate wrote: not meaningful, not counted.
    assert grade.metadata["mutants"] == ["loud", "off-by-one"]
    assert grade.metadata["mutants_caught"] == ["off-by-one"]
    assert grade.metadata["mutation_score"] == 0.5
    strong = {
        **weak,
        "test_neg.py": "from calc import neg\n\n\ndef test_neg():\n    assert neg(2) == -2\n",
    }
    assert _grade(strong, sandbox, task).metadata["mutation_score"] == 1.0


def test_mutation_needs_tests_passing_on_gold(sandbox: PooledSandbox, tmp_path: Path) -> None:
    task = _task(tmp_path)
    odd = {
        "calc.py": "def add(a, b):\n    return a + b\n\n\ndef neg(a):\n    return a - 1\n",
        "test_calc.py": "from calc import neg\n\n\ndef test_neg():\n    assert neg(1) == 0\n",
    }
    grade = _grade(odd, sandbox, task)
    assert grade.verdict == "pass"
    assert grade.metadata["mutation_score"] is None
    assert "gold" in grade.metadata["mutation_note"]


def test_no_sandbox_is_an_error() -> None:
    ctx = GradeContext(files={"test_x.py": "def test_x():\n    assert 1 == 1\n"}, rule_ids=RULES)
    assert TestsIncludedGrader().check(ctx)[0].verdict == "error"


class _Counting:
    """The real sandbox, counting its pytest runs (the grader's only way to run code)."""

    def __init__(self, inner: PooledSandbox) -> None:
        self.inner, self.name, self.runs = inner, inner.name, 0
        self.sample_limits = inner.sample_limits

    def run_pytest(self, *args, **kwargs):
        self.runs += 1
        return self.inner.run_pytest(*args, **kwargs)


def test_mutation_runs_are_reused_only_for_identical_inputs(
    sandbox: PooledSandbox, tmp_path: Path
) -> None:
    task = _task(tmp_path)
    weak = {
        "calc.py": task.solution["calc.py"],
        "test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
    }
    grader, counting = TestsIncludedGrader(), _Counting(sandbox)

    def grade(files: dict[str, str]):
        ctx = GradeContext(files=files, rule_ids=RULES, task=task, sandbox=counting)
        (g,) = grader.check(ctx)
        return g

    first = grade(weak)
    # own run + 2 meaningful variants; the gold overlay equals the own run (same bytes).
    assert counting.runs == 3
    again = grade(dict(weak))
    assert counting.runs == 4  # only its own run: every mutation verdict is reused
    assert again.metadata == first.metadata and first.metadata["mutation_score"] == 0.5
    # One changed byte in the tests: nothing is reused, and the verdicts follow the new tests.
    strong = {
        **weak,
        "test_calc.py": weak["test_calc.py"] + "\n\ndef test_neg():\n"
        "    from calc import neg\n    assert neg(2) == -2\n",
    }
    assert grade(strong).metadata["mutation_score"] == 1.0
    assert counting.runs == 7
