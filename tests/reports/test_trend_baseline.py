from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.errors import ConfigError, RunLogError
from evals.schema import Manifest
from reports.baseline import find_baseline, read_baseline, set_baseline
from reports.gate import gate
from reports.synthetic import SyntheticSpec, write_synthetic_run
from reports.trend import discover_runs, night_flaky, summarise_runs, write_trend


@pytest.fixture
def nightly(tmp_path: Path) -> Path:
    """Five nights; the persona changes on night 3 and one rule drops with it."""
    root = tmp_path / "runs"
    for night in range(5):
        changed = night >= 3
        write_synthetic_run(
            root / f"n{4 - night}",
            SyntheticSpec(  # names sort backwards
                n_tasks=6,
                epochs=2,
                seed=night + 1,
                persona_suffix="v2" if changed else "",
                pass_rates={"never-sql-concat": 0.3} if changed else {},
            ),
        )
    return root


def test_runs_are_ordered_by_start_time_not_name(nightly: Path) -> None:
    assert [p.name for p in discover_runs(nightly)] == ["n4", "n3", "n2", "n1", "n0"]


@pytest.mark.slow  # renders the matplotlib trend chart (~10 s); CI runs -m slow
def test_trend_html_has_one_column_per_run_and_a_chart(nightly: Path) -> None:
    html = write_trend(nightly).read_text()
    assert (nightly / "trend.html").is_file()
    assert html.count("<svg") == 1
    row = html[html.index('data-rule="never-sql-concat"') :]
    row = row[: row.index("</tr>")]
    assert row.count('<td class="num') == 5
    assert "http://" not in html and "https://" not in html
    assert write_trend(nightly, last=2).read_text().count('<th class="num" title=') == 2


def test_night_flaky_needs_two_flips(nightly: Path) -> None:
    summaries = summarise_runs(discover_runs(nightly))
    flaky = night_flaky(summaries)
    assert (flaky["flips"] >= 2).all() and (flaky["nights"] <= 5).all()
    assert night_flaky(summaries[:2]).empty


def test_trend_on_a_folder_without_runs(tmp_path: Path) -> None:
    with pytest.raises(RunLogError, match="holds no run directory"):
        write_trend(tmp_path)


def test_baseline_set_read_and_used_by_gate(nightly: Path) -> None:
    runs = discover_runs(nightly)
    path = set_baseline(runs[0])
    assert path == nightly / "baseline.json"
    record = read_baseline(nightly)
    assert record is not None and record["run"] == "n4" and Path(record["path"]) == runs[0]
    assert find_baseline(runs[-1]) == runs[0].resolve()
    assert find_baseline(runs[0]) is None  # a run is not its own baseline
    result = gate(runs[-1])  # picks up the blessed baseline
    assert result.comparison is not None and result.comparison.a.label == "n4"


def test_baseline_refuses_incomplete_runs_and_reports_stale_records(nightly: Path) -> None:
    run = discover_runs(nightly)[0]
    m = Manifest.model_validate_json((run / "manifest.json").read_text())
    m.state = "incomplete"
    (run / "manifest.json").write_text(m.model_dump_json())
    with pytest.raises(RunLogError, match="state: run state is 'incomplete'"):
        set_baseline(run)
    (nightly / "baseline.json").write_text(json.dumps({"run": "gone"}))
    with pytest.raises(ConfigError, match="baseline.json: run: baseline run .* no longer exists"):
        read_baseline(nightly)
