"""Grader errors are shown beside conformance (per rule and model), in metrics, gate and
compare, so a model cannot hide failures in errors that drop out of the denominators."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports import metrics
from reports.compare import compare_paths, compare_units
from reports.compare_render import comparison_markdown
from reports.frame import scan_run
from reports.gate import gate, markdown_summary
from reports.synthetic import SyntheticSpec, write_synthetic_run


@pytest.fixture(scope="module")
def erring(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = SyntheticSpec(n_tasks=12, epochs=3, seed=5, grader_error_rate=0.3, integrity_rate=0)
    return write_synthetic_run(tmp_path_factory.mktemp("err") / "run", spec)


def test_error_rate_is_the_share_of_units_left_without_a_verdict(erring: Path) -> None:
    frame = scan_run(erring).frame
    units = metrics.rule_units(frame)
    conf = metrics.conformance(units, by=("model", "rule"))
    assert "error_rate" in conf
    # Independent count from the raw grades: units whose every grade is an error.
    graded = frame[frame["rule"].notna() & (frame["status"] == "ok")]
    per_unit = graded.groupby(["sample_id", "rule"], observed=True)["verdict"].agg(set)
    only_errors = per_unit.map(lambda v: "error" in v and not v & {"pass", "fail"})
    expected = only_errors.groupby(level="rule").mean()
    got = metrics.conformance(units).set_index("rule")["error_rate"]
    assert got.reindex(expected.index).to_numpy() == pytest.approx(expected.to_numpy())
    assert 0.1 < float(got.mean()) < 0.5  # the planted 30% of grades


def test_gate_and_compare_print_it(erring: Path) -> None:
    assert "grader errors" in markdown_summary(gate(erring))
    units = metrics.rule_units(scan_run(erring).frame)
    table = compare_units(units, units)
    assert {"a_error_rate", "b_error_rate"} <= set(table.columns)
    assert (table["a_error_rate"] == table["b_error_rate"]).all()
    assert "grader errors before → after" in comparison_markdown(compare_paths(erring, erring))
