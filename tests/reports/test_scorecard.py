from __future__ import annotations

import re
from pathlib import Path

from evals.schema import Evidence, Grade, Manifest, Sample
from reports.scorecard import write_scorecard


def _external_refs(html: str) -> list[str]:
    """Anything that would make the browser fetch something."""
    return re.findall(
        r"(?:https?:)?//[\w.-]+\.\w+/|<link\b|<script\b[^>]*\bsrc=|<img\b|"
        r"url\((?!#)|@import",
        html,
    )


def test_scorecard_is_self_contained_and_has_every_section(small_run: Path) -> None:
    out = write_scorecard(small_run)
    assert out == small_run / "scorecard.html"
    html = out.read_text()
    assert _external_refs(html) == []
    assert "<script" not in html  # collapsibles are <details>, no JS needed
    for anchor in (
        'id="header"',
        'id="arm-1"',
        'id="coverage"',
        'id="infra-errors"',
        'id="integrity"',
        'id="pressure"',
        'id="flaky"',
        'id="drilldown"',
    ):
        assert anchor in html
    assert html.count("<svg") == 2  # conformance bars + heatmap (one model)
    assert 'id="not-isolated"' in html and "NOT ISOLATED" in html
    # The judge had no credentials: its rules are skipped (shown, not failures).
    assert "skipped: no credentials" in html
    # An unmeasured rule (graders == []) is listed under coverage.
    coverage = html[html.index('id="coverage"') : html.index('id="infra-errors"')]
    assert "principle-optimize-later" in coverage and "no grader measures it" in coverage
    assert "always-profile-first" in coverage  # judge-only rule: no verdict this run


def test_rule_table_matches_manifest_rules(small_run: Path) -> None:
    html = write_scorecard(small_run).read_text()
    rows = re.findall(r'<tr class="rule-row" data-rule="([^"]+)"', html)
    manifest = Manifest.model_validate_json((small_run / "manifest.json").read_text())
    graded = [r["id"] for r in manifest.personas[0]["rules"] if r["graders"]]
    assert rows == [r for r in graded if r in rows]  # manifest order
    # A graded rule that got no grade row at all (no task declares it) is under coverage.
    coverage = html[html.index('id="coverage"') : html.index('id="infra-errors"')]
    missing = [r for r in graded if r not in rows]
    assert all(f'<div class="rule-id">{r}</div>' in coverage for r in missing)


def test_baseline_delta_column(runs: dict[str, Path], tmp_path: Path) -> None:
    out = write_scorecard(runs["regressed"], out=tmp_path / "s.html", baseline=runs["base"])
    html = out.read_text()
    assert html.count("Δ vs baseline") == 2  # one table per model
    assert html.count('class="badge regressed"') >= 1
    assert "anthropic/claude-sonnet-4-5" in html and "openai/gpt-5" in html


def _hostile_run(run: Path) -> Path:
    run.mkdir()
    code = "import os\nx = 1\nquery = 'SELECT ' + name\n"
    grade = Grade(
        grader="sql_construction",
        rule_ids=["never-sql-concat"],
        verdict="fail",
        score=0.0,
        evidence=[
            Evidence(message="concat <b>SQL</b>", file="app.py", line=3, snippet="'SELECT ' + name")
        ],
    )
    judge = Grade(
        grader="judge",
        rule_ids=["principle-readability"],
        verdict="pass",
        score=1.0,
        evidence=[Evidence(message="readable", quote="clear names throughout")],
    )
    sample = Sample(
        sample_id="s1",
        task_id="t<1>",
        model="m",
        persona="p",
        persona_ref="p.md",
        persona_sha="b" * 64,
        prompt="do it",
        output="<script>alert(1)</script> I used clear names throughout.",
        files={"app.py": code},
        grades=[grade, judge],
    )
    manifest = Manifest(
        run_id="h",
        harness_version="0",
        state="incomplete",
        planned=3,
        personas=[
            {
                "name": "p",
                "ref": "p.md",
                "sha256": "b" * 64,
                "rules": [
                    {"id": "never-sql-concat", "text": "No concat", "graders": ["sql_construction"]}
                ],
            }
        ],
    )
    (run / "manifest.json").write_text(manifest.model_dump_json())
    (run / "samples.jsonl").write_text(sample.model_dump_json() + "\n")
    return run


def test_drilldown_escapes_output_and_highlights_evidence(tmp_path: Path) -> None:
    html = write_scorecard(_hostile_run(tmp_path / "h")).read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>clear names throughout</mark>" in html  # judge quote marked in the output
    assert '<blockquote class="quote">“clear names throughout”</blockquote>' in html
    hit = re.search(r'<span class="ln hit"[^>]*><i>(\d+)</i>([^<]*)</span>', html)
    assert hit and hit.group(1) == "3" and "SELECT" in hit.group(2)
    assert "concat &lt;b&gt;SQL&lt;/b&gt;" in html
    assert 'id="incomplete"' in html


def test_stale_blessed_baseline_does_not_break_the_report(small_run: Path) -> None:
    (small_run.parent / "baseline.json").write_text('{"run": "deleted-run"}')
    html = write_scorecard(small_run).read_text()
    assert "blessed baseline ignored" in html and "no longer exists" in html
