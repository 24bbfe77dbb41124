"""The shipped personas/backend-engineer.md and its sidecar, exactly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from evals.persona import load_persona
from graders import grader_names

SHIPPED = Path(__file__).resolve().parents[2] / "personas" / "backend-engineer.md"

ALWAYS = [
    "Write tests before or alongside implementation",
    "Use parameterized queries for database access",
    "Implement proper error handling with typed errors",
    "Add structured logging with correlation IDs",
    "Profile before optimizing",
    "Document API contracts",
]
NEVER = [
    "Use string concatenation for SQL queries",
    "Store secrets in code or config files",
    "Skip input validation",
    "Use synchronous operations for I/O-heavy work",
    "Ignore N+1 query patterns",
    "Deploy without tests passing",
]
EXTRAS = {
    "principle-readability": (
        "Code Principles",
        "**Readability > Cleverness** - Code is read 10x more than written",
    ),
    "principle-fail-fast": ("Code Principles", "**Fail Fast** - Validate early, error clearly"),
    "principle-security-first": (
        "Code Principles",
        "**Security First** - Every input is malicious until proven otherwise",
    ),
    "commands-lint": (
        "Commands",
        "Linting: `ruff check .` (Python) / `golangci-lint run` (Go) / `eslint .` (Node)",
    ),
    # the frontmatter description: when Claude Code delegates to the persona
    "description-delegation": (
        "frontmatter",
        "Senior Backend Engineer with 10+ years building high-performance APIs and "
        "distributed systems. Expert in Python, Go, and Node.js with a track record of "
        "delivering robust, scalable solutions.",
    ),
}
GRADERS = {
    "always-write-tests": ("tests_included", "tests_first"),
    "always-parameterized-queries": ("sql_construction",),
    "always-typed-errors": ("typed_errors",),
    "always-structured-logging": ("structured_logging",),
    "always-profile-first": ("judge", "measure_first"),
    "always-document-api": ("judge",),
    "never-sql-concat": ("sql_construction",),
    "never-secrets-in-code": ("secrets_in_code",),
    "never-skip-validation": ("input_validation",),
    "never-sync-io": ("async_blocking",),
    "never-ignore-n-plus-one": ("n_plus_one",),
    "never-deploy-untested": ("tests_pass", "tests_after_edit"),
    "commands-lint": ("lint", "lint_run"),
    "principle-readability": ("judge",),
    "principle-fail-fast": ("judge",),
    "principle-security-first": ("judge",),
    "description-delegation": ("delegation",),
}


def test_exactly_six_always_and_six_never_rules_with_their_texts() -> None:
    persona = load_persona(SHIPPED)
    assert [r.text for r in persona.rules if r.section == "Always Do"] == ALWAYS
    assert [r.text for r in persona.rules if r.section == "Never Do"] == NEVER
    assert {r.polarity for r in persona.rules if r.section == "Always Do"} == {"always"}
    assert {r.polarity for r in persona.rules if r.section == "Never Do"} == {"never"}


def test_sidecar_adds_exactly_the_five_extras() -> None:
    persona = load_persona(SHIPPED)
    others = {
        r.id: (r.section, r.text)
        for r in persona.rules
        if r.section not in ("Always Do", "Never Do")
    }
    assert others == EXTRAS
    assert len(persona.rules) == 17
    # "Test Everything" and "Optimize Later" are rules of their own, merged by the sidecar.
    assert persona.rule("always-write-tests").merged == ("always-test-everything",)
    assert persona.rule("always-profile-first").merged == ("always-optimize-later",)
    assert persona.warnings == ()


def test_ids_names_and_graders_follow_the_sidecar() -> None:
    persona = load_persona(SHIPPED, known_graders=grader_names())
    assert {r.id: r.graders for r in persona.rules} == GRADERS
    assert [r.id for r in persona.rules][:12] == list(GRADERS)[:12]
    assert persona.rule("never-sql-concat").name == "No SQL string building"
    assert persona.rules_for_grader("sql_construction") == (
        "always-parameterized-queries",
        "never-sql-concat",
    )
    assert persona.rules_for_grader("judge") == (
        "always-profile-first",
        "always-document-api",
        "principle-readability",
        "principle-fail-fast",
        "principle-security-first",
    )
    assert persona.graders() == tuple(sorted({g for gs in GRADERS.values() for g in gs}))
    assert persona.unmeasured() == ()
    assert persona.sidecar == SHIPPED.with_name("backend-engineer.rules.yaml")


def test_frontmatter_body_sections_and_hash() -> None:
    persona = load_persona(str(SHIPPED))
    text = SHIPPED.read_text(encoding="utf-8")
    assert persona.name == "backend-engineer"
    assert persona.description.startswith("Senior Backend Engineer with 10+ years")
    assert persona.tools == ("*",)
    assert persona.ref == str(SHIPPED) and persona.path == SHIPPED and persona.rev is None
    assert persona.text == text
    assert persona.body.startswith("You are a Senior Backend Engineer")
    assert persona.body.endswith("- Deploy without tests passing")
    assert "---" not in persona.body.splitlines()[0] and "name:" not in persona.body
    assert text.rstrip().endswith(persona.body)
    assert len(persona.sha256) == 64
    assert "Always Do" in persona.sections and "Never Do" in persona.sections
    assert (
        persona.sections["Never Do"].splitlines()[0] == "- Use string concatenation for SQL queries"
    )
    # A level-2 section includes its subsections; a level-3 one only itself.
    assert "### Performance" in persona.sections["Technical Patterns"]
    assert persona.sections["Security"].startswith("- Input validation and sanitization")


def test_without_sidecar_rules_get_slug_ids_and_graders_by_meaning(
    write: Callable[..., Path],
) -> None:
    path = write(SHIPPED.read_text(encoding="utf-8"), "backend-engineer.md")
    persona = load_persona(path)
    assert persona.sidecar is None
    assert [r.text for r in persona.rules][:12] == ALWAYS + NEVER
    assert persona.rules[0].id == "always-write-tests-before-or-alongside-implementation"
    assert [r.id for r in persona.rules][12:] == [
        "always-readability-cleverness",
        "always-test-everything",
        "always-fail-fast",
        "always-optimize-later",
        "always-security-first",
    ]
    mapped = {r.id: r.graders for r in persona.rules}
    assert mapped["never-ignore-n-1-query-patterns"] == ("n_plus_one",)
    assert mapped["never-use-string-concatenation-for-sql-queries"] == ("sql_construction",)
    assert mapped["always-test-everything"] == ("tests_included",)
    assert persona.unmeasured() == ()


def test_to_dict_is_json_able() -> None:
    import json

    data = json.loads(json.dumps(load_persona(SHIPPED).to_dict()))
    assert data["name"] == "backend-engineer" and data["rev"] is None
    assert set(data) >= {"name", "ref", "path", "rev", "sha256", "description", "rules"}
    assert data["rules"][6] == {
        "id": "never-sql-concat",
        "section": "Never Do",
        "text": "Use string concatenation for SQL queries",
        "polarity": "never",
        "name": "No SQL string building",
        "graders": ["sql_construction"],
        "line": 90,
        "behaviours": ["sql-string-building"],
        "mapping": "sidecar",
        "kind": "bullet",
        "merged": [],
        "reworded_from": [],
    }
