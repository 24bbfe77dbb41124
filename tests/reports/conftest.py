"""Synthetic run directories shared by the report tests (written once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.synthetic import SyntheticSpec, write_synthetic_run

#: The planted regression: this rule drops from ~0.9 to 0.4 between the two runs.
REGRESSED_RULE = "never-sql-concat"


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """base, regressed (one rule planted), same (no change, other seed), inside runs/."""
    root = tmp_path_factory.mktemp("runs")
    models = ("anthropic/claude-sonnet-4-5", "openai/gpt-5")
    base = SyntheticSpec(n_tasks=16, epochs=3, models=models, seed=11)
    return {
        "base": write_synthetic_run(root / "base", base),
        "regressed": write_synthetic_run(
            root / "regressed",
            SyntheticSpec(
                n_tasks=16,
                epochs=3,
                models=models,
                seed=12,
                pass_rates={REGRESSED_RULE: 0.4},
            ),
        ),
        "same": write_synthetic_run(
            root / "same",
            SyntheticSpec(
                n_tasks=16,
                epochs=3,
                models=models,
                seed=13,
            ),
        ),
    }


@pytest.fixture
def small_run(tmp_path: Path) -> Path:
    """A small single-model run, not isolated, with no-credential judges."""
    return write_synthetic_run(
        tmp_path / "small",
        SyntheticSpec(
            n_tasks=4,
            epochs=2,
            seed=3,
            isolated=False,
            judge_skipped=True,
            infra_error_rate=0.1,
        ),
    )
