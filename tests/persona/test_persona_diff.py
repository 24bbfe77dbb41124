"""``diff_personas``: rules added, removed and changed, matched by id."""

from __future__ import annotations

import json
from collections.abc import Callable

from evals.persona import diff_personas, parse_persona

SIDECAR = (
    "rules:\n"
    "  - {id: always-tests, match: Write tests first, graders: [tests_included]}\n"
    "  - {id: never-secrets, match: Commit secrets, graders: [secrets_in_code]}\n"
)


def test_identical_personas_have_an_empty_diff(persona_text: Callable[..., str]) -> None:
    a = parse_persona(persona_text(), source="a.md", sidecar_text=SIDECAR)
    diff = diff_personas(a, a)
    assert diff.empty and diff.unchanged == 2
    assert diff.summary() == "0 added, 0 removed, 0 changed, 2 unchanged"


def test_added_removed_and_changed(persona_text: Callable[..., str]) -> None:
    a = parse_persona(
        persona_text(never=("Commit secrets", "Skip validation")),
        source="a.md",
        sidecar_text=SIDECAR,
    )
    b_sidecar = SIDECAR.replace("[secrets_in_code]", "[secrets_in_code, judge]").replace(
        "match: Write tests first", "match: 'Write tests first, always'"
    )
    b = parse_persona(
        persona_text(always=("Write tests first, always", "Profile first")),
        source="b.md",
        sidecar_text=b_sidecar,
    )
    diff = diff_personas(a, b)
    assert [r.id for r in diff.added] == ["always-profile-first"]
    assert [r.id for r in diff.removed] == ["never-skip-validation"]
    assert [(old.text, new.text) for old, new in diff.changed] == [
        ("Write tests first", "Write tests first, always"),
        ("Commit secrets", "Commit secrets"),
    ]
    assert diff.changed[1][1].graders == ("secrets_in_code", "judge")
    assert diff.unchanged == 0 and not diff.empty
    data = json.loads(json.dumps(diff.to_dict()))
    assert [c["fields"] for c in data["changed"]] == [["text"], ["graders"]]
    assert (data["a"], data["b"]) == ("a.md", "b.md")
    md = diff.to_markdown()
    assert "**Added**\n\n- `always-profile-first` (Always Do): Profile first" in md
    assert "- `never-skip-validation` (Never Do): Skip validation" in md
    assert "  - graders: [secrets_in_code] → [secrets_in_code, judge]" in md
    assert "  - text: `Write tests first` → `Write tests first, always`" in md


def test_whitespace_edit_is_a_text_change_of_the_same_rule(
    persona_text: Callable[..., str],
) -> None:
    a = parse_persona(persona_text(always=("Write tests first",)), source="a.md")
    b = parse_persona(persona_text(always=("Write  tests first.",)), source="b.md")
    diff = diff_personas(a, b)
    assert (diff.added, diff.removed) == ((), ())
    assert [new.id for _, new in diff.changed] == ["always-write-tests-first"]


def test_markdown_code_spans_survive_backticks(persona_text: Callable[..., str]) -> None:
    a = parse_persona(persona_text(always=("Run `ruff check .` first",)), source="a.md")
    sidecar = "rules:\n  - {id: always-run-ruff-check-first, match: 'Run ruff check . always'}\n"
    b = parse_persona(
        persona_text(always=("Run `ruff check .` always",)), source="b.md", sidecar_text=sidecar
    )
    md = diff_personas(a, b).to_markdown()
    assert "  - text: `` Run `ruff check .` first `` → `` Run `ruff check .` always ``" in md
