"""Rule ids are slugs of the bullet text that survive cosmetic edits."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from evals.persona import normalise, parse_persona, slug

BASE = "Use parameterized queries for database access"


@pytest.mark.parametrize(
    "edited",
    [
        BASE,
        "Use  parameterized\tqueries for database access",
        "Use parameterized queries for database access.",
        "use PARAMETERIZED queries for database-access!",
        "**Use** parameterized queries for `database` access",
        "Use parameterized queries, for database access;",
        "Use [parameterized queries](https://example.com/sql) for database access",
        "_Use_ parameterized queries for database access  ",
    ],
)
def test_cosmetic_edits_keep_the_id(persona_text: Callable[..., str], edited: str) -> None:
    persona = parse_persona(persona_text(always=(edited,)), source="p.md")
    assert persona.rules[0].id == "always-use-parameterized-queries-for-database-access"
    assert persona.rules[0].text == edited.strip()


def test_rewording_changes_the_id(persona_text: Callable[..., str]) -> None:
    persona = parse_persona(persona_text(always=("Use bound parameters for SQL",)), source="p")
    assert persona.rules[0].id == "always-use-bound-parameters-for-sql"


def test_never_ids_and_truncation_to_eight_words(persona_text: Callable[..., str]) -> None:
    long = "Ignore the N+1 query patterns that ORMs hide inside loops over rows"
    persona = parse_persona(persona_text(never=(long,)), source="p.md")
    assert persona.rules[1].id == "never-ignore-the-n-1-query-patterns-that-orms"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Don't log tokens", "dont-log-tokens"),
        ("Don’t log tokens", "dont-log-tokens"),
        ("Use naïve café datetimes", "use-naive-cafe-datetimes"),
        ("snake_case names", "snake-case-names"),
        ("I/O-heavy work", "i-o-heavy-work"),
        ("Readability > Cleverness", "readability-cleverness"),
        ("see <https://example.com> docs", "see-docs"),
        ("!!!", ""),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_normalise_ignores_case_space_punctuation_markdown() -> None:
    assert normalise("**Fail  Fast** - Validate early,\nerror clearly") == normalise(
        "fail fast validate early error clearly"
    )
