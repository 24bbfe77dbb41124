"""The scorecard's judge section: verdicts, κ vs labels, κ vs rule graders."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evals.schema import Evidence, Grade, JudgeDetail, Manifest, Sample
from reports.frame import scan_run
from reports.judges import judge_section
from reports.scorecard import write_scorecard


def _grade(grader: str, rule: str, verdict: str, judge: JudgeDetail | None = None) -> Grade:
    return Grade(
        grader=grader,
        rule_ids=[rule],
        verdict=verdict,  # type: ignore[arg-type]
        score=1.0 if verdict == "pass" else 0.0,
        judge=judge,
        evidence=[Evidence(message="m", quote="x = 1")] if grader == "judge" else [],
    )


class _Cells(HTMLParser):
    """The text of every <td> of the tables in an HTML fragment, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


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
                    JudgeDetail(model="openai/judge-1", kappa=0.81, second_opinion=True),
                ),
            ],
        )
        lines.append(sample.model_dump_json())
    (tmp_path / "samples.jsonl").write_text("\n".join(lines) + "\n")
    # Judge vs sql_construction on 4 pairs: 3 agree; judge p,f,p,f vs grader p,f,p,p gives
    # p_o = 0.75, p_e = 0.5*0.75 + 0.5*0.25 = 0.5, kappa = (0.75 - 0.5) / 0.5 = 0.5.
    context = judge_section(tmp_path, scan_run(tmp_path).frame)
    assert context["label_kappa"] == [("openai/judge-1", 0.81)]
    (row,) = context["agreement"]
    assert (row["rule"], row["grader"], row["n"]) == (
        "always-parameterized-queries",
        "sql_construction",
        4,
    )
    assert row["agree"] == pytest.approx(0.75) and row["kappa"] == pytest.approx(0.5)
    # The rendered section shows exactly those numbers in the agreement table's row.
    html = write_scorecard(tmp_path).read_text()
    section = html.split('id="judges"')[1].split("</section>")[0]
    assert re.search(r"openai/judge-1</span>: κ = 0\.81\b", section)
    cells = _Cells()
    cells.feed(section)
    rows = [r for r in cells.rows if r and r[0] == "always-parameterized-queries"]
    assert rows == [
        ["always-parameterized-queries", "2", "2", "0", "0", "0"],  # pass fail unscored err skip
        ["always-parameterized-queries", "sql_construction", "4", "75%", "0.50"],
    ]
