"""Shared set-up of the agent end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def grading_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run ``evals run`` from a folder whose ``evals.toml`` gives the hidden-test run a
    120 s wall limit instead of the task's 30 s.

    Why: these tests are about the agent path, and on this shared 2-core machine at load
    15-20 the *gold* answer's hidden tests took 23 s and then 30.0 s (killed: tests_pass
    ``fail``, kind ``timeout``) in the grading sandbox: the limit is wall time, and a
    starved CPU stretches wall time. That was the root cause of these tests failing
    under heavy load. A wrong answer still fails tests_pass (its tests fail, whatever the
    limit); only CPU starvation of a correct one no longer reads as a model failure.
    """
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "evals.toml").write_text(
        f'suite = "{ROOT / "tasks"}"\n'
        f'personas = ["{ROOT / "personas" / "backend-engineer.md"}"]\n'
        "[grader_options.tests_pass]\ntimeout = 120\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(config)
    return config
