"""The .rules.yaml sidecar: pinned ids, names, graders, extra rules, and its errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from evals.errors import PersonaError
from evals.persona import load_persona, parse_persona

EXTRA = "## Code Principles\n1. **Fail Fast** - Validate early\n2. **Be kind**\n\n"


def _load(write: Callable[..., Path], text: str, sidecar: str, **kw: object) -> object:
    return load_persona(write(text, sidecar=sidecar), **kw)  # type: ignore[arg-type]


def test_pins_ids_names_and_graders(persona_text: Callable[..., str]) -> None:
    sidecar = (
        "version: 1\nrules:\n"
        "  - id: always-tests\n    match: 'write TESTS first!'\n    name: Tests\n"
        "    graders: [tests_included, judge, judge]\n"
    )
    persona = parse_persona(persona_text(), source="p.md", sidecar_text=sidecar)
    rule = persona.rule("always-tests")
    assert (rule.text, rule.name, rule.graders) == (
        "Write tests first",
        "Tests",
        ("tests_included", "judge"),
    )
    # Unmatched bullets keep their slug ids and are unmeasured.
    assert [r.id for r in persona.unmeasured()] == ["never-commit-secrets"]


def test_pinned_id_survives_a_rewording_of_the_bullet(persona_text: Callable[..., str]) -> None:
    old = parse_persona(
        persona_text(always=("Write tests first",)),
        source="p.md",
        sidecar_text="rules:\n  - {id: always-tests, match: Write tests first}\n",
    )
    new = parse_persona(
        persona_text(always=("Write the tests first, always",)),
        source="p.md",
        sidecar_text="rules:\n  - {id: always-tests, match: 'Write the tests first, always'}\n",
    )
    assert old.rules[0].id == new.rules[0].id == "always-tests"


def test_section_entries_make_other_bullets_rules(persona_text: Callable[..., str]) -> None:
    sidecar = (
        "rules:\n"
        "  - {id: principle-fail-fast, section: code principles, "
        "match: 'Fail fast - validate early', graders: [judge]}\n"
        "  - {section: Code Principles, match: Be kind}\n"
    )
    persona = parse_persona(persona_text(extra=EXTRA), source="p.md", sidecar_text=sidecar)
    others = [r for r in persona.rules if r.polarity == "other"]
    assert [(r.id, r.section, r.text) for r in others] == [
        ("principle-fail-fast", "Code Principles", "**Fail Fast** - Validate early"),
        ("code-principles-be-kind", "Code Principles", "**Be kind**"),
    ]
    assert [r.polarity for r in persona.rules] == ["always", "never", "other", "other"]


def test_empty_sidecar_is_fine(persona_text: Callable[..., str]) -> None:
    persona = parse_persona(persona_text(), source="p.md", sidecar_text="")
    assert len(persona.rules) == 2


def test_known_graders_are_checked_only_when_given(persona_text: Callable[..., str]) -> None:
    sidecar = "rules:\n  - {match: Commit secrets, graders: [secrets_in_code, nosuch]}\n"
    parse_persona(persona_text(), source="p.md", sidecar_text=sidecar)
    with pytest.raises(PersonaError) as info:
        parse_persona(
            persona_text(),
            source="p.md",
            sidecar_text=sidecar,
            sidecar_source="p.rules.yaml",
            known_graders=["secrets_in_code", "judge"],
        )
    assert str(info.value) == (
        "p.rules.yaml: rules[0] (match 'Commit secrets'): graders: unknown grader 'nosuch'; "
        "known graders: judge, secrets_in_code"
    )


@pytest.mark.parametrize(
    ("sidecar", "needle"),
    [
        ("rules: [", "invalid YAML at line 1"),
        ("- a\n- b\n", "must be a mapping"),
        ("version: 2\nrules: []\n", "version: unsupported sidecar version"),
        ("rule: []\n", "rule: unknown key; allowed keys: version, rules"),
        (
            "rules:\n  - {match: Commit secrets, grader: [x]}\n",
            "rules[0] (match 'Commit secrets'): grader: unknown key",
        ),
        ("rules:\n  - {id: Bad Id, match: Commit secrets}\n", "'Bad Id' is not a valid rule id"),
        ("rules:\n  - {id: x}\n", "rules[0] (id 'x'): match: required; add `match:` to the entry"),
        (
            "rules:\n  - {match: Commit secrets, graders: judge}\n",
            "graders: must be a YAML list, e.g. `graders: [judge]`",
        ),
        (
            "rules:\n  - {id: never-x, match: Commit all the secrets}\n",
            "rules[0] (id 'never-x'): `match` 'Commit all the secrets' matches no bullet "
            "under Always Do / Never Do in",
        ),
        (
            "rules:\n  - {section: Code Principles, match: Fail fast}\n",
            "matches no bullet under 'Code Principles'",
        ),
        ("rules:\n  - {section: Nope, match: X}\n", "section 'Nope' is not a heading of"),
        (
            "rules:\n  - {id: a, match: Commit secrets}\n  - {id: b, match: 'commit secrets.'}\n",
            "rules[1] (id 'b'): matches the same bullet (line 18) as rules[0] (id 'a')",
        ),
        (
            "rules:\n  - {id: a, match: Commit secrets}\n  - {id: a, match: Write tests first}\n",
            "duplicate rule id 'a' (lines 15 and 18)",
        ),
    ],
)
def test_sidecar_errors_are_one_line_naming_the_sidecar(
    write: Callable[..., Path], persona_text: Callable[..., str], sidecar: str, needle: str
) -> None:
    path = write(persona_text(extra=EXTRA), sidecar=sidecar)
    with pytest.raises(PersonaError) as info:
        load_persona(path)
    message = str(info.value)
    assert "\n" not in message
    assert needle in message
    side = str(path.with_name("p.rules.yaml"))
    assert message.startswith(side) or message.startswith(str(path)), message


def test_ambiguous_match_asks_for_a_section(persona_text: Callable[..., str]) -> None:
    text = persona_text(always=("Validate input",), never=("Validate input!",))
    with pytest.raises(PersonaError, match=r"matches 2 bullets \(lines 11, 14\)"):
        parse_persona(text, source="p.md", sidecar_text="rules:\n  - {match: validate input}\n")
    pinned = parse_persona(
        text,
        source="p.md",
        sidecar_text="rules:\n  - {id: never-validate, section: Never Do, match: validate input}\n",
    )
    assert [r.id for r in pinned.rules] == ["always-validate-input", "never-validate"]
