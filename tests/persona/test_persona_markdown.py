"""Which bullets count: list syntax, nesting, wrapping, fences, heading forms."""

from __future__ import annotations

from evals.persona import parse_persona

FRONT = "---\nname: t\ndescription: d\n---\n"


def _rules(body: str) -> list[tuple[str, str]]:
    return [(r.section, r.text) for r in parse_persona(FRONT + body, source="t.md").rules]


def test_markers_numbers_and_closing_hashes() -> None:
    body = "## Always Do ##\n* Star item\n+ Plus item\n1. Numbered item\n2) Paren item\n"
    assert [t for _, t in _rules(body)] == ["Star item", "Plus item", "Numbered item", "Paren item"]


def test_heading_match_is_case_insensitive_at_any_level() -> None:
    body = "# ALWAYS DO\n- One\n\n#### never do:\n- Two\n"
    assert _rules(body) == [("ALWAYS DO", "One"), ("never do:", "Two")]


def test_only_bullets_directly_under_the_heading() -> None:
    body = (
        "## Always Do\nIntro paragraph, not a rule.\n- Real rule\n\n"
        "### Examples\n- Not a rule (under a subheading)\n\n## Never Do\n- Other\n"
    )
    assert [t for _, t in _rules(body)] == ["Real rule", "Other"]


def test_wrapped_and_lazy_continuation_lines_join_the_text() -> None:
    body = "## Always Do\n- Write tests\n  before the code\n- Log with\ncorrelation IDs\n"
    assert [t for _, t in _rules(body)] == [
        "Write tests before the code",
        "Log with correlation IDs",
    ]


def test_nested_items_stay_with_their_parent() -> None:
    body = (
        "## Never Do\n- Store secrets in code\n  - including .env files\n  - or CI logs\n"
        "- Skip validation\n"
    )
    rules = parse_persona(FRONT + body, source="t.md").rules
    assert [r.text for r in rules] == [
        "Store secrets in code\n- including .env files\n- or CI logs",
        "Skip validation",
    ]
    assert rules[0].id == "never-store-secrets-in-code-including-env-files-or"


def test_fenced_code_hides_headings_and_bullets() -> None:
    body = (
        "## Notes\n```md\n## Always Do\n- fake\n```\n"
        "## Always Do\n- Real\n~~~\n- also fake\n~~~\n- Second\n"
    )
    assert [t for _, t in _rules(body)] == ["Real", "Second"]


def test_thematic_break_is_not_a_bullet() -> None:
    body = "## Always Do\n- One\n\n* * *\n\n- Two\n"
    assert [t for _, t in _rules(body)] == ["One", "Two"]


def test_crlf_and_bom_are_accepted() -> None:
    text = "\ufeff" + (FRONT + "## Always Do\n- One\n").replace("\n", "\r\n")
    persona = parse_persona(text, source="t.md")
    assert [r.text for r in persona.rules] == ["One"]
    assert persona.body == "## Always Do\n- One"


def test_tools_as_comma_string_and_missing_description() -> None:
    persona = parse_persona(
        "---\nname: t\ntools: Read, Edit ,Bash\n---\n## Never Do\n- X\n", source="t"
    )
    assert persona.tools == ("Read", "Edit", "Bash")
    assert persona.description == ""


def test_repeated_headings_join_their_sections() -> None:
    body = "## Always Do\n- One\n## Notes\nA\n## Always Do\n- Two\n"
    persona = parse_persona(FRONT + body, source="t.md")
    assert [r.text for r in persona.rules] == ["One", "Two"]
    assert persona.sections["Always Do"] == "- One\n\n- Two"


def test_fence_inside_an_item_is_part_of_it_and_hides_comment_lines() -> None:
    body = (
        "## Always Do\n- Lint before committing:\n\n  ```bash\n  # lint everything\n"
        "  ruff check .\n  ```\n- Second\n"
    )
    persona = parse_persona(FRONT + body, source="t.md")
    assert [r.text for r in persona.rules] == [
        "Lint before committing:\n```bash\n# lint everything\nruff check .\n```",
        "Second",
    ]
    assert "lint everything" not in persona.sections
