"""The red-team task (eight hidden tests over four small functions), graded by tests_pass."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from _redteam import GOLD, HIDDEN, IDS, Grader

from evals.sandbox import PooledSandbox
from evals.schema import Grade
from evals.tasks import Task, load_task
from graders import GradeContext
from graders.tests_pass import TestsPassGrader


@pytest.fixture(
    params=[
        pytest.param("bwrap", marks=pytest.mark.sandbox),
        pytest.param("process", marks=pytest.mark.slow),  # same checks, no isolation: CI -m slow
    ]
)
def sandbox(request: pytest.FixtureRequest) -> PooledSandbox:
    """Each attack runs on bwrap by default, and on the process fallback in the slow run."""
    sb: PooledSandbox = request.getfixturevalue(f"{request.param}_sandbox")
    return sb


@pytest.fixture(scope="session")
def ops_task(tmp_path_factory: pytest.TempPathFactory) -> Task:
    root = tmp_path_factory.mktemp("redteam") / "ops"
    ids = "\n".join(f"  - test_hidden_ops.py::{i}" for i in IDS)
    files = {
        "task.yaml": f"id: ops\ntitle: ops\ndifficulty: easy\nrules: [never-deploy-untested]\n"
        f"timeout: 8\nanswer_files: [ops.py]\nexpected_tests:\n{ids}\n",
        "prompt.md": "write ops",
        "solution/ops.py": GOLD,
        "tests/test_hidden_ops.py": HIDDEN,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return load_task(root)


@pytest.fixture
def grade(sandbox: PooledSandbox, ops_task: Task) -> Grader:
    def run(files: dict[str, str], **options: object) -> Grade:
        ctx = GradeContext(
            files=files,
            rule_ids=("never-deploy-untested",),
            task=ops_task,
            sandbox=sandbox,
            options=options,
        )
        (result,) = TestsPassGrader().check(ctx)
        return result

    return run


@pytest.fixture
def healthy(grade: Grader) -> Callable[[], None]:
    def check() -> None:
        after = grade({"ops.py": GOLD})
        assert after.verdict == "pass", after.reason

    return check
