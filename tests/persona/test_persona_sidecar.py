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
    # Unmatched bullets keep their slug ids; the matcher maps them by what they say.
    rule = persona.rule("never-commit-secrets")
    assert (rule.graders, rule.mapping) == (("secrets_in_code",), "matcher")


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
    others = [r for r in persona.rules if r.section == "Code Principles"]
    # Items under a "Principles" heading are rules already; the sidecar pins and maps them.
    assert [(r.id, r.text, r.polarity, r.graders) for r in others] == [
        ("principle-fail-fast", "**Fail Fast** - Validate early", "always", ("judge",)),
        ("always-be-kind", "**Be kind**", "always", ()),
    ]
    commands = parse_persona(
        persona_text(extra="## Commands\n- Lint: `ruff check .`\n\n"),
        source="p.md",
        sidecar_text=(
            "rules:\n  - {id: commands-lint, section: Commands, match: 'Lint: `ruff check .`'}\n"
        ),
    )
    lint = commands.rule("commands-lint")
    assert (lint.polarity, lint.section, lint.graders) == ("other", "Commands", ("lint",))


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


@pytest.mark.parametrize(
    ("sidecar", "warning"),
    [
        (
            "rules:\n  - {id: never-x, match: Build a rocket to the moon}\n",
            "rules[0] (id 'never-x'): `match` 'Build a rocket to the moon' matches nothing",
        ),
        (
            "rules:\n  - {section: Code Principles, match: Make coffee}\n",
            "matches nothing in the persona; entry ignored",
        ),
        ("rules:\n  - {section: Nope, match: X}\n", "section 'Nope' is not a heading of"),
        (
            "rules:\n  - {id: a, match: Commit secrets}\n  - {id: b, match: 'commit secrets.'}\n",
            "rules[1] (id 'b'): matches the rule on line 18, already claimed by rules[0] (id 'a')",
        ),
        (
            "rules:\n  - {id: a, match: Commit secrets}\n  - {id: a, match: Write tests first}\n",
            "rule id 'a' is taken",
        ),
    ],
)
def test_stale_entries_warn_and_are_ignored(
    write: Callable[..., Path], persona_text: Callable[..., str], sidecar: str, warning: str
) -> None:
    path = write(persona_text(extra=EXTRA), sidecar=sidecar)
    persona = load_persona(path)
    assert any(warning in w for w in persona.warnings), persona.warnings
    assert len(persona.rules) >= 2


def test_drop_merge_and_behaviours(persona_text: Callable[..., str]) -> None:
    text = persona_text(always=("Write tests first", "Add unit tests", "Be nice to people"))
    sidecar = (
        "rules:\n"
        "  - {match: Be nice to people, drop: true}\n"
        "  - {id: always-tests, match: Write tests first, merge: [Add unit tests]}\n"
        "  - {match: Commit secrets, behaviours: [sql-string-building]}\n"
    )
    persona = parse_persona(text, source="p.md", sidecar_text=sidecar)
    assert [r.id for r in persona.rules] == ["always-tests", "never-commit-secrets"]
    assert persona.rule("always-tests").merged == ("always-add-unit-tests",)
    secrets = persona.rule("never-commit-secrets")
    assert (secrets.behaviours, secrets.graders) == (
        ("sql-string-building",),
        ("sql_construction",),
    )


def test_reworded_match_keeps_the_pinned_id_with_a_warning(
    persona_text: Callable[..., str],
) -> None:
    text = persona_text(never=("Build SQL queries by concatenating strings",))
    sidecar = (
        "rules:\n  - {id: never-sql-concat, match: Use string concatenation for SQL queries}\n"
    )
    persona = parse_persona(text, source="p.md", sidecar_text=sidecar)
    assert persona.rule("never-sql-concat").text == "Build SQL queries by concatenating strings"
    assert any("probably the same rule, reworded" in w for w in persona.warnings)


def test_ambiguous_match_asks_for_a_section(persona_text: Callable[..., str]) -> None:
    text = persona_text(always=("Validate input",), never=("Validate inputs!",))
    ambiguous = parse_persona(
        text, source="p.md", sidecar_text="rules:\n  - {match: validate input}\n"
    )
    assert [r.id for r in ambiguous.rules] == ["always-validate-input", "never-validate-inputs"]
    pinned = parse_persona(
        text,
        source="p.md",
        sidecar_text=(
            "rules:\n  - {id: never-validate, section: Never Do, match: validate inputs}\n"
        ),
    )
    assert [r.id for r in pinned.rules] == ["always-validate-input", "never-validate"]
