"""Run directories written by older code still load, report and compare (migrated)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.cli import app
from evals.log import LogScan, iter_samples, read_manifest, read_samples
from evals.schema import SCHEMA_VERSION
from reports.compare import compare_paths
from reports.frame import scan_run
from reports.metrics import rule_units

FIXTURES = Path(__file__).parent / "fixtures"
#: One fixture per schema version; every version ever written must be listed here.
VERSIONS = {
    1: FIXTURES / "run-2026-11",
    2: FIXTURES / "run-2026-12",
    3: FIXTURES / "run-2026-12-v3",
}


def _raw(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "samples.jsonl").read_text().splitlines()]


def test_every_schema_version_has_a_fixture() -> None:
    assert set(VERSIONS) == set(range(1, SCHEMA_VERSION + 1))
    for version, run in VERSIONS.items():
        assert json.loads((run / "manifest.json").read_text())["schema_version"] == version
        assert {r["schema_version"] for r in _raw(run)} == {version}


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_fixture_loads_migrated_and_matches_its_raw_records(version: int, tmp_path: Path) -> None:
    run = shutil.copytree(VERSIONS[version], tmp_path / "run")
    raw = _raw(run)
    manifest = read_manifest(run)
    assert manifest.schema_version == SCHEMA_VERSION and manifest.state == "complete"
    scan = LogScan()
    samples = [s for _, s in iter_samples(run, scan)]
    assert scan.migrated == (len(raw) if version < SCHEMA_VERSION else 0)
    assert [s.sample_id for s in samples] == [r["sample_id"] for r in raw]
    for sample, record in zip(samples, raw, strict=True):
        assert sample.schema_version == SCHEMA_VERSION
        assert sample.task_sha == record.get("task_sha")  # None: unknown in schema 1
        assert [(g.grader, g.verdict, g.rule_ids) for g in sample.grades] == [
            (g["grader"], g["verdict"], g["rule_ids"]) for g in record["grades"]
        ]
    frame = scan_run(run).frame
    expected_rows = sum(max(1, len(g["rule_ids"])) for r in raw for g in r["grades"])
    assert len(frame) == expected_rows
    fails = {
        (r["task_id"], r["variant"])
        for r in raw
        if any(g["verdict"] == "fail" for g in r["grades"])
    }
    units = rule_units(frame)
    broken = units[units["outcome"] == 0.0]
    assert {
        (t, v if isinstance(v, str) else None)
        for t, v in zip(broken["task"], broken["variant"], strict=True)
    } == fails


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_fixture_reports_and_compares_through_the_cli(version: int, tmp_path: Path) -> None:
    run = shutil.copytree(VERSIONS[version], tmp_path / "run")
    other = shutil.copytree(VERSIONS[version], tmp_path / "again")
    cli = CliRunner()
    result = cli.invoke(app, ["report", str(run)])
    assert result.exit_code == 0, result.output
    html = (run / "scorecard.html").read_text()
    assert all(r["task_id"] in html for r in _raw(run))
    cmp = compare_paths(run, other)
    assert cmp.pairs > 0 and not cmp.regressed and not cmp.improved
    result = cli.invoke(app, ["compare", str(run), str(other)])
    assert result.exit_code == 0, result.output
    result = cli.invoke(app, ["gate", str(other), "--baseline", str(run)])
    assert result.exit_code == 0, result.output
    assert len(read_samples(run)) == len(_raw(run))
