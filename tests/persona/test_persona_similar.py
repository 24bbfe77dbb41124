"""The rewording similarity and its threshold, on labelled rewordings and distinct rules."""

from __future__ import annotations

import itertools
from pathlib import Path

from evals.persona import REWORD_THRESHOLD, load_persona, pair_rewordings, similarity

SHIPPED_PATH = Path(__file__).resolve().parents[2] / "personas" / "backend-engineer.md"
SHIPPED_RULE_TEXTS = [r.text for r in load_persona(SHIPPED_PATH).rules]

REWORDINGS = [
    ("Use string concatenation for SQL queries", "Build SQL queries by concatenating strings"),
    ("Store secrets in code or config files", "Keep secrets in source code or config files"),
    ("Skip input validation", "Skip validation of input"),
    ("Use synchronous operations for I/O-heavy work", "Use synchronous calls for I/O heavy work"),
    ("Ignore N+1 query patterns", "Ignore N+1 queries"),
    ("Deploy without tests passing", "Deploy before the tests pass"),
    ("Write tests before or alongside implementation", "Write the tests before or with the code"),
    (
        "Use parameterized queries for database access",
        "Access the database with parameterized queries",
    ),
    (
        "Implement proper error handling with typed errors",
        "Handle errors properly, with typed errors",
    ),
    (
        "Add structured logging with correlation IDs",
        "Log in a structured way, with correlation IDs",
    ),
    ("Profile before optimizing", "Always profile before you optimize"),
    ("Document API contracts", "Document the API contract"),
    ("Never log PII", "Do not write PII to logs"),
    ("Validate all user input at the boundary", "Validate every user input at the API boundary"),
    ("Keep functions small", "Keep your functions small and focused"),
]


def test_every_labelled_rewording_reaches_the_threshold() -> None:
    scores = [similarity(a, b) for a, b in REWORDINGS]
    low = [(pair, s) for pair, s in zip(REWORDINGS, scores, strict=True) if s < REWORD_THRESHOLD]
    assert not low, low


def test_no_two_distinct_rules_of_a_persona_reach_it() -> None:
    texts = SHIPPED_RULE_TEXTS + [b for _, b in REWORDINGS[12:]]
    scores = {(a, b): similarity(a, b) for a, b in itertools.combinations(texts, 2)}
    high = {pair: s for pair, s in scores.items() if s >= REWORD_THRESHOLD}
    assert not high, high


def test_score_is_symmetric_and_bounded() -> None:
    for a, b in REWORDINGS:
        assert similarity(a, b) == similarity(b, a)
        assert 0.0 <= similarity(a, b) <= 1.0
    assert similarity("Write tests", "write TESTS!") == 1.0


def test_pairing_takes_each_rule_once_and_the_best_first() -> None:
    old = [a for a, _ in REWORDINGS[:6]]
    new = list(reversed([b for _, b in REWORDINGS[:6]]))
    pairs = pair_rewordings(old, new)
    assert sorted((old[i], new[j]) for i, j, _ in pairs) == sorted(REWORDINGS[:6])
