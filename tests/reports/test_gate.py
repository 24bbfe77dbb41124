from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from reports.gate import gate, junit_xml, markdown_summary

REGRESSED_RULE = "never-sql-concat"  # planted in the `runs` fixture (conftest.py)


def test_gate_fails_on_the_planted_regression_only(runs: dict[str, Path]) -> None:
    result = gate(runs["regressed"], runs["base"])
    assert result.exit_code == 1
    assert result.regressed == [REGRESSED_RULE]
    md = markdown_summary(result)
    assert md.startswith("# persona-evals gate\n")
    assert f"**Significant regression** on 1 rule(s) in `regressed`: `{REGRESSED_RULE}`" in md


def test_gate_passes_without_a_real_change(runs: dict[str, Path]) -> None:
    result = gate(runs["same"], runs["base"])
    assert result.exit_code == 0 and result.regressed == []
    assert "No significant regression" in markdown_summary(result)


def test_gate_without_baseline_cannot_fail(runs: dict[str, Path]) -> None:
    result = gate(runs["regressed"])  # no baseline.json in the fixture's runs folder
    assert result.comparison is None and result.exit_code == 0
    md = markdown_summary(result)
    assert "no baseline to compare with" in md and "| `never-sql-concat` |" in md


def test_junit_one_testcase_per_measured_rule_and_task(runs: dict[str, Path]) -> None:
    result = gate(runs["regressed"], runs["base"])
    root = ET.fromstring(junit_xml(result))
    cases = root.findall("testcase")
    measured = result.units[["rule", "task"]].astype(str).drop_duplicates()
    assert len(cases) == len(measured) == int(root.get("tests", "-1"))
    assert len({(c.get("classname"), c.get("name")) for c in cases}) == len(cases)
    failed = [c for c in cases if c.find("failure") is not None]
    assert failed and {c.get("classname") for c in failed} == {REGRESSED_RULE}
    assert int(root.get("failures", "-1")) == len(failed)
    message = failed[0].find("failure").get("message")  # type: ignore[union-attr]
    assert "regressed significantly" in message and "→" in message
    flaky = [c for c in cases if "FLAKY" in (c.findtext("system-out") or "")]
    assert flaky, "synthetic runs have epochs that disagree"


def test_junit_has_no_failures_when_nothing_regressed(runs: dict[str, Path]) -> None:
    root = ET.fromstring(junit_xml(gate(runs["same"], runs["base"])))
    assert root.get("failures") == "0"
    assert all(c.find("failure") is None for c in root.findall("testcase"))
