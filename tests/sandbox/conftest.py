"""Shared fixtures: one warm sandbox of each kind per session, and a tiny task."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator

import pytest

from evals.sandbox import PooledSandbox, get_sandbox
from evals.sandbox.bwrap import bwrap_problem
from evals.schema import Grade
from evals.tasks import Task, load_task
from graders import GradeContext
from graders.tests_pass import TestsPassGrader

GOLD = """\
def add(a, b):
    return a + b
"""

HIDDEN = """\
from calc import add


def test_add():
    assert add(2, 3) == 5


def test_add_negative():
    assert add(-2, 3) == 1
"""


@pytest.fixture(scope="session")
def bwrap_sandbox() -> Iterator[PooledSandbox]:
    if bwrap_problem():
        pytest.skip(f"bwrap unusable: {bwrap_problem()}")
    with get_sandbox("bwrap", workers=2) as sb:
        yield sb


@pytest.fixture(scope="session")
def process_sandbox() -> Iterator[PooledSandbox]:
    with get_sandbox("process", workers=2) as sb:
        yield sb


@pytest.fixture(params=[pytest.param("bwrap", marks=pytest.mark.sandbox), "process"])
def sandbox(request: pytest.FixtureRequest) -> PooledSandbox:
    """Each test using this runs once per sandbox kind."""
    sb: PooledSandbox = request.getfixturevalue(f"{request.param}_sandbox")
    return sb


@pytest.fixture(scope="session")
def task(tmp_path_factory: pytest.TempPathFactory) -> Task:
    root = tmp_path_factory.mktemp("suite") / "calc"
    files = {
        "task.yaml": """
            id: calc
            title: calc
            difficulty: easy
            rules: [never-deploy-untested]
            timeout: 4
            answer_files: [calc.py]
            expected_tests:
              - test_hidden_calc.py::test_add
              - test_hidden_calc.py::test_add_negative
            """,
        "prompt.md": "write calc.add",
        "solution/calc.py": GOLD,
        "tests/test_hidden_calc.py": HIDDEN,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return load_task(root)


Grader = Callable[..., Grade]


@pytest.fixture
def grade(sandbox: PooledSandbox, task: Task) -> Grader:
    """Grade candidate files with tests_pass in this test's sandbox."""

    def run(files: dict[str, str], **options: object) -> Grade:
        ctx = GradeContext(
            files=files,
            rule_ids=("never-deploy-untested",),
            task=task,
            sandbox=sandbox,
            options=options,
        )
        (result,) = TestsPassGrader().check(ctx)
        return result

    return run


@pytest.fixture
def healthy(grade: Grader) -> Callable[[], None]:
    """Call after an attack: the next sample must grade normally (gold passes)."""

    def check() -> None:
        after = grade({"calc.py": GOLD})
        assert after.verdict == "pass", after.reason

    return check
