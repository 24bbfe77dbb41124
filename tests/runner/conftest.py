from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_SUITE = ROOT / "tests" / "fixtures" / "suite"
PERSONA = ROOT / "personas" / "backend-engineer.md"


@pytest.fixture()
def fixture_suite() -> Path:
    return FIXTURE_SUITE


@pytest.fixture()
def persona_path() -> Path:
    return PERSONA
