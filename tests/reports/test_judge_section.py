"""The scorecard's judge section: verdicts, κ vs labels, κ vs rule graders."""

from __future__ import annotations

from pathlib import Path

from evals.schema import Evidence, Grade, Manifest, Sample
from reports.scorecard import write_scorecard


def _grade(grader: str, rule: str, verdict: str, **meta: object) -> Grade:
    return Grade(
        grader=grader,
        rule_ids=[rule],
        verdict=verdict,  # type: ignore[arg-type]
        score=1.0 if verdict == "pass" else 0.0,
        metadata=dict(meta),
        evidence=[Evidence(message="m", quote="x = 1")] if grader == "judge" else [],
    )


def test_judge_section_shows_kappa_against_labels_and_graders(tmp_path: Path) -> None:
    manifest = Manifest(
        run_id="r",
        harness_version="0",
        personas=[
            {
                "name": "p",
                "ref": "p.md",
                "sha256": "a" * 64,
                "rules": [
                    {
                        "id": "always-parameterized-queries",
                        "text": "t",
                        "graders": ["sql_construction", "judge"],
                    }
                ],
            }
        ],
        models=["m/x"],
        state="complete",
        started_at="2026-01-01T00:00:00",
    )
    (tmp_path / "manifest.json").write_text(manifest.model_dump_json())
    lines = []
    for i, (judge, rule_grader) in enumerate(
        [("pass", "pass"), ("fail", "fail"), ("pass", "pass"), ("fail", "pass")]
    ):
        sample = Sample(
            sample_id=f"s{i}",
            task_id=f"t{i}",
            model="m/x",
            persona="p",
            persona_ref="p.md",
            persona_sha="a" * 64,
            grades=[
                _grade("sql_construction", "always-parameterized-queries", rule_grader),
                _grade(
                    "judge",
                    "always-parameterized-queries",
                    judge,
                    second_opinion=True,
                    kappa=0.81,
                    judge="openai/judge-1",
                ),
            ],
        )
        lines.append(sample.model_dump_json())
    (tmp_path / "samples.jsonl").write_text("\n".join(lines) + "\n")
    html = write_scorecard(tmp_path).read_text()
    section = html.split('id="judges"')[1].split("</section>")[0]
    assert "openai/judge-1" in section and "0.81" in section
    assert "sql_construction" in section and "75" in section  # 3 of 4 pairs agree
    assert "0.5" in section  # Cohen's kappa of the 4 pairs above
