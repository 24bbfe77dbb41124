from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evals.errors import RunLogError
from evals.schema import Manifest
from reports.compare import compare_paths, diff_rules
from reports.compare_render import comparison_markdown, write_comparison_html
from reports.synthetic import SyntheticSpec, write_synthetic_run

REGRESSED_RULE = "never-sql-concat"  # planted in the `runs` fixture (conftest.py)


def test_planted_regression_flags_exactly_that_rule(runs: dict[str, Path]) -> None:
    cmp = compare_paths(runs["base"], runs["regressed"])
    assert cmp.regressed == [REGRESSED_RULE]
    assert cmp.improved == []
    row = cmp.table.set_index("rule").loc[REGRESSED_RULE]
    assert row["delta"] < -0.3 and row["ci_high"] < 0
    assert row["p_holm"] < 0.05 and row["regressed_pairs"] > row["improved_pairs"]
    # Every other rule: no significant change.
    others = cmp.table[cmp.table["rule"] != REGRESSED_RULE]
    assert set(others["verdict"]) == {"no significant change"}


def test_no_planted_change_flags_nothing(runs: dict[str, Path]) -> None:
    cmp = compare_paths(runs["base"], runs["same"])
    assert cmp.regressed == [] and cmp.improved == []
    assert cmp.pairs > 500


def test_reversed_direction_is_an_improvement(runs: dict[str, Path]) -> None:
    cmp = compare_paths(runs["regressed"], runs["base"])
    assert cmp.improved == [REGRESSED_RULE] and cmp.regressed == []


def test_one_run_holding_two_persona_revisions(tmp_path: Path, runs: dict[str, Path]) -> None:
    """Merge two single-persona runs into one run dir: pairing is by persona_sha inside it."""
    old = write_synthetic_run(tmp_path / "a", SyntheticSpec(n_tasks=12, seed=1))
    new_rules = [dict(r) for r in SyntheticSpec().rules if r["id"] != "principle-fail-fast"]
    for r in new_rules:
        if r["id"] == REGRESSED_RULE:
            r["text"] = "Build SQL however is convenient"
    new = write_synthetic_run(
        tmp_path / "b",
        SyntheticSpec(
            n_tasks=12,
            seed=2,
            persona_suffix="v2",
            rules=new_rules,
            pass_rates={REGRESSED_RULE: 0.3},
        ),
    )
    both = tmp_path / "both"
    both.mkdir()
    ma = Manifest.model_validate_json((old / "manifest.json").read_text())
    mb = Manifest.model_validate_json((new / "manifest.json").read_text())
    ma.personas = ma.personas + mb.personas
    (both / "manifest.json").write_text(ma.model_dump_json())
    (both / "samples.jsonl").write_text(
        (old / "samples.jsonl").read_text() + (new / "samples.jsonl").read_text()
    )
    cmp = compare_paths(both)
    assert cmp.regressed == [REGRESSED_RULE]
    assert cmp.a.persona["sha256"] != cmp.b.persona["sha256"]
    assert [r["id"] for r in cmp.diff.removed] == ["principle-fail-fast"]
    assert [c["id"] for c in cmp.diff.changed] == [REGRESSED_RULE]
    notes = cmp.table.set_index("rule")["persona_change"]
    assert notes[REGRESSED_RULE] == "text changed"
    assert notes["principle-fail-fast"] == "removed"
    # Two runs each holding two revisions cannot be paired unambiguously.
    with pytest.raises(RunLogError, match="several persona revisions"):
        compare_paths(both, runs["base"])


def test_single_persona_run_alone_is_refused(runs: dict[str, Path]) -> None:
    with pytest.raises(RunLogError, match=r"personas: holds 1 persona revision"):
        compare_paths(runs["base"])


def test_diff_rules_added_removed_changed() -> None:
    a = [{"id": "x", "text": "Do x", "graders": ["g"]}, {"id": "y", "text": "Do y", "graders": []}]
    b = [{"id": "x", "text": "Do x", "graders": ["g", "judge"]}, {"id": "z", "text": "Do z"}]
    d = diff_rules(a, b)
    assert [r["id"] for r in d.added] == ["z"] and [r["id"] for r in d.removed] == ["y"]
    assert d.note("x") == "graders changed" and d.note("q") == ""


def test_markdown_and_html_outputs(runs: dict[str, Path], tmp_path: Path) -> None:
    cmp = compare_paths(runs["base"], runs["regressed"])
    md = comparison_markdown(cmp)
    assert f"**Significant regression** on 1 rule(s): `{REGRESSED_RULE}`" in md
    assert md.count("\n| `") == len(cmp.table)
    html = write_comparison_html(cmp, tmp_path / "c.html").read_text()
    assert f'data-rule="{REGRESSED_RULE}" data-verdict="regressed"' in html
    assert html.count('data-verdict="regressed"') == 1
    assert "http://" not in html and "https://" not in html


def test_compare_survives_a_missing_run_copy(tmp_path: Path, runs: dict[str, Path]) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(runs["base"], copy)
    (copy / "samples.jsonl").unlink()  # a run that recorded nothing yet
    cmp = compare_paths(copy, runs["base"])
    assert cmp.pairs == 0 and set(cmp.table["verdict"]) == {"not comparable"}
