"""The rule -> behaviour matcher on a labelled set of rule texts written for this test.

(The same matcher is checked on hand-labelled real rules in ``wild/``.) Every text below
was written the way subagent files phrase rules, and labelled with what it asks for.
"""

from __future__ import annotations

import pytest

from evals.persona import BEHAVIOURS, behaviours_of_rule_ids, judgeable, match_behaviours

LABELLED: list[tuple[str, set[str]]] = [
    ("Never build SQL with f-strings or string concatenation", {"sql-string-building"}),
    ("Always use prepared statements for database queries", {"sql-string-building"}),
    ("Prevent SQL injection by binding every parameter", {"sql-string-building", "security-first"}),
    ("Do not swallow exceptions with a bare except", {"typed-errors"}),
    ("Raise domain-specific exceptions instead of returning None", {"typed-errors"}),
    ("Implement proper error handling for every external call", {"typed-errors"}),
    ("Never hard-code API keys or passwords", {"secrets-in-code"}),
    ("Load credentials from environment variables, not the repo", {"secrets-in-code"}),
    ("Do not log tokens or other secrets", {"secrets-in-code"}),
    ("Validate all user input at the API boundary", {"input-validation"}),
    ("Sanitize request payloads before use", {"input-validation"}),
    ("Every request body is validated with pydantic", {"input-validation"}),
    ("Don't make blocking calls inside async handlers", {"blocking-io-in-async"}),
    ("Use asyncio for I/O-bound work", {"blocking-io-in-async"}),
    ("Watch for N+1 queries; use select_related", {"n-plus-one-queries"}),
    ("Never run a query inside a loop over rows", {"n-plus-one-queries"}),
    ("Write unit tests for every new function", {"tests-accompany-change"}),
    ("Follow TDD: tests first, then the code", {"tests-accompany-change"}),
    ("Keep test coverage above 80%", {"tests-accompany-change"}),
    ("Run the full test suite before declaring done", {"tests-pass"}),
    ("Never break existing tests", {"tests-pass"}),
    ("Code must pass ruff and mypy with no warnings", {"lint-clean"}),
    ("Follow PEP 8 and the project style guide", {"lint-clean"}),
    ("Use structured JSON logging", {"structured-logging"}),
    ("Propagate a correlation id through every request", {"structured-logging"}),
    ("Document every endpoint in the OpenAPI schema", {"api-documented"}),
    ("Write docstrings for public functions", {"api-documented"}),
    ("Measure before optimizing; no premature optimization", {"profile-before-optimizing"}),
    ("Profile slow paths before changing them", {"profile-before-optimizing"}),
    ("Prefer readable code over clever one-liners", {"readability"}),
    ("Use descriptive variable names", {"readability"}),
    ("Fail fast with clear error messages", {"fail-fast"}),
    ("Use guard clauses for invalid state", {"fail-fast"}),
    ("Follow OWASP guidelines for authentication", {"security-first"}),
    ("Apply the principle of least privilege", {"security-first"}),
    ("Ask clarifying questions when requirements are vague", set()),
    ("Coordinate with the frontend team before changing payloads", set()),
    ("Summarize your changes for the user at the end", set()),
    ("Keep the changelog up to date", set()),
    ("Use Kubernetes namespaces per environment", set()),
    ("Choose the right chart type for the data", set()),
    ("Format the final report as a table", set()),
]


def test_matcher_precision_and_recall_on_the_labelled_set() -> None:
    tp = fp = fn = 0
    wrong = []
    for text, gold in LABELLED:
        predicted = {b for b, _ in match_behaviours(text)}
        tp, fp, fn = (
            tp + len(predicted & gold),
            fp + len(predicted - gold),
            fn + len(gold - predicted),
        )
        if predicted != gold:
            wrong.append((text, sorted(predicted), sorted(gold)))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.95 and recall >= 0.95, wrong


def test_each_behaviour_is_labelled_and_matched_at_least_once() -> None:
    labelled = {b for _, gold in LABELLED for b in gold}
    assert labelled == {b.id for b in BEHAVIOURS}


def test_a_match_names_the_words_that_triggered_it() -> None:
    ((behaviour, words),) = match_behaviours("Never hard-code API keys")
    assert (behaviour, words) == ("secrets-in-code", "hard code api keys")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Keep functions small and focused", True),
        ("Return 404 for missing resources", True),
        ("Ask the user before deleting anything", False),
        ("Coordinate with the backend-architect agent", False),
        ("Be kind", False),
    ],
)
def test_judgeable(text: str, expected: bool) -> None:
    assert judgeable(text) is expected


def test_tasks_tempt_behaviours_through_the_default_rule_ids() -> None:
    assert behaviours_of_rule_ids(["never-sql-concat", "commands-lint"]) == (
        "sql-string-building",
        "lint-clean",
    )
