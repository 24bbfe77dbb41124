"""Revisions never break: a scripted git history of reword, delete, move and stale sidecar.

Every revision loads (``file@rev``), every consecutive pair diffs, and a reworded rule
keeps its history: a pinned one keeps its id, an unpinned one is paired with its
predecessor in diffs and in trends.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from evals.persona import diff_personas, lineage, load_persona
from reports.synthetic import SyntheticSpec, write_synthetic_run
from reports.trend import discover_runs, summarise_runs

FRONT = (
    "---\nname: api\ndescription: An API persona.\ntools: Read, Edit\n---\n\nYou build APIs.\n\n"
)
SIDECAR = (
    "rules:\n"
    "  - {id: never-sql-concat, match: Use string concatenation for SQL queries}\n"
    "  - {id: always-validate, section: Rules, match: Validate every request body}\n"
)
REVISIONS: list[tuple[str, str, str | None]] = [
    (
        "v1",
        "## Never Do\n- Use string concatenation for SQL queries\n- Never log PII\n\n"
        "## Rules\n- Validate every request body\n- Keep handlers small\n",
        SIDECAR,
    ),
    (  # reword a pinned rule and an unpinned one; the sidecar is left as it was
        "reword",
        "## Never Do\n- Build SQL queries by concatenating strings\n- Never write PII to logs\n\n"
        "## Rules\n- Validate every request body\n- Keep handlers small\n",
        None,
    ),
    (  # delete the rule the second sidecar entry pins
        "delete",
        "## Never Do\n- Build SQL queries by concatenating strings\n- Never write PII to logs\n\n"
        "## Rules\n- Keep handlers small\n",
        None,
    ),
    (  # move a rule to another section, and rename the section the sidecar names
        "move",
        "## Never Do\n- Build SQL queries by concatenating strings\n\n"
        "## Guidelines\n- Keep handlers small\n- Never write PII to logs\n",
        None,
    ),
    (  # the sidecar gains an entry for a rule that is not there any more (stale)
        "stale",
        "## Never Do\n- Build SQL queries by concatenating strings\n\n"
        "## Guidelines\n- Keep handlers small\n- Never write PII to logs\n",
        SIDECAR + "  - {id: always-gone, match: A rule that was deleted long ago}\n",
    ),
]


@pytest.fixture
def history(repo: Path, git: Callable[..., str]) -> Path:
    path = repo / "api.md"
    side = repo / "api.rules.yaml"
    for message, body, sidecar in REVISIONS:
        path.write_text(FRONT + body, encoding="utf-8")
        if sidecar is not None:
            side.write_text(sidecar, encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", message)
    return path


def _revs() -> list[str]:
    return [f"HEAD~{n}" for n in range(len(REVISIONS) - 1, 0, -1)] + ["HEAD"]


def test_every_revision_loads_and_warns_instead_of_failing(history: Path) -> None:
    personas = [load_persona(f"{history}@{rev}") for rev in _revs()]
    assert all(p.rules for p in personas)
    reword, delete, move, stale = personas[1:]
    assert reword.rule("never-sql-concat").text == "Build SQL queries by concatenating strings"
    assert any("probably the same rule, reworded" in w for w in reword.warnings)
    assert any("matches nothing" in w for w in delete.warnings)
    assert any("'Rules' is not a heading" in w for w in move.warnings)
    assert any("A rule that was deleted long ago" in w for w in stale.warnings)


def test_consecutive_diffs_report_rewordings_moves_and_prose(history: Path) -> None:
    personas = [load_persona(f"{history}@{rev}") for rev in _revs()]
    diffs = [diff_personas(a, b) for a, b in zip(personas, personas[1:], strict=False)]
    reword, delete, move, stale = diffs
    assert [(o.id, n.id) for o, n, _ in reword.reworded] == [
        ("never-log-pii", "never-write-pii-to-logs")
    ]
    assert [f for o, n in reword.changed for f in ("text",) if o.text != n.text] == ["text"]
    assert [r.id for r in delete.removed] == ["always-validate"]
    moved = {new.id: (old.section, new.section) for old, new in move.changed}
    assert moved["never-write-pii-to-logs"] == ("Never Do", "Guidelines")
    assert stale.empty or not stale.removed


def test_a_reworded_rule_keeps_its_trend_line(history: Path, tmp_path: Path) -> None:
    revisions = [[r.to_dict() for r in load_persona(f"{history}@{rev}").rules] for rev in _revs()]
    maps = lineage(revisions)
    assert maps[0]["never-log-pii"] == "never-write-pii-to-logs"
    assert maps[0]["never-sql-concat"] == "never-sql-concat"
    runs = tmp_path / "runs"
    for night, rules in enumerate(revisions[:2]):
        for rule in rules:
            rule["graders"] = ["lint"]  # a grader of every task, so every rule is graded
        write_synthetic_run(
            runs / f"night{night}",
            SyntheticSpec(n_tasks=2, epochs=1, seed=night, persona_suffix=str(night), rules=rules),
        )
    summaries = summarise_runs(discover_runs(runs))
    seen = [set(s.conformance["rule"]) for s in summaries]
    assert "never-log-pii" not in seen[0] and "never-write-pii-to-logs" in seen[0] & seen[1]
