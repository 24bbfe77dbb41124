from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.cli import app

REGRESSED_RULE = "never-sql-concat"  # planted in the `runs` fixture (conftest.py)


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


@pytest.fixture
def runs_copy(runs: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """The session runs copied into a private runs folder (commands write into them)."""
    return {k: Path(shutil.copytree(v, tmp_path / "runs" / k)) for k, v in runs.items()}


def test_report_writes_the_scorecard(cli: CliRunner, small_run: Path) -> None:
    res = cli.invoke(app, ["report", str(small_run)])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(small_run / "scorecard.html")
    assert (small_run / "scorecard.html").stat().st_size > 10_000


def test_report_on_a_non_run_is_one_line_exit_2(cli: CliRunner, tmp_path: Path) -> None:
    res = cli.invoke(app, ["report", str(tmp_path)])
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and "no manifest.json" in res.stderr
    assert "Traceback" not in res.output


def test_compare_prints_markdown_and_writes_html(
    cli: CliRunner, runs_copy: dict[str, Path]
) -> None:
    md = runs_copy["base"].parent / "cmp.md"
    res = cli.invoke(
        app, ["compare", str(runs_copy["base"]), str(runs_copy["regressed"]), "--out-md", str(md)]
    )
    assert res.exit_code == 0, res.output
    assert f"**Significant regression** on 1 rule(s): `{REGRESSED_RULE}`" in res.stdout
    assert md.read_text() in res.stdout
    assert (runs_copy["regressed"] / "compare.html").is_file()


def test_gate_exit_codes_summary_and_junit(
    cli: CliRunner, runs_copy: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    base, bad, same = runs_copy["base"], runs_copy["regressed"], runs_copy["same"]
    assert cli.invoke(app, ["baseline", "set", str(base)]).exit_code == 0
    res = cli.invoke(app, ["baseline", "show", str(base.parent)])
    assert res.exit_code == 0 and "base" in res.stdout

    res = cli.invoke(app, ["gate", str(bad)])
    assert res.exit_code == 1, res.output
    assert f"`{REGRESSED_RULE}`" in res.stdout
    junit = ET.parse(bad / "gate.junit.xml").getroot()
    assert {
        c.get("classname") for c in junit.iter("testcase") if c.find("failure") is not None
    } == {REGRESSED_RULE}
    assert "Significant regression" in summary.read_text()

    res = cli.invoke(app, ["gate", str(same), "--junit", str(tmp_path / "j.xml")])
    assert res.exit_code == 0, res.output
    assert ET.parse(tmp_path / "j.xml").getroot().get("failures") == "0"


def test_gate_rejects_a_bad_alpha(cli: CliRunner, runs: dict[str, Path]) -> None:
    res = cli.invoke(app, ["gate", str(runs["same"]), "--alpha", "5"])
    assert res.exit_code == 2 and "--alpha" in res.stderr


def test_trend_and_baseline_show_without_baseline(
    cli: CliRunner, runs_copy: dict[str, Path]
) -> None:
    folder = runs_copy["base"].parent
    res = cli.invoke(app, ["trend", str(folder)])
    assert res.exit_code == 0, res.output
    assert (folder / "trend.html").is_file()
    res = cli.invoke(app, ["baseline", "show", str(folder)])
    assert res.exit_code == 2 and "no baseline set" in res.stderr
