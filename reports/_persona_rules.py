"""The shipped persona's rules as manifest data, for synthetic runs (tests, the bench).

Mirrors ``personas/backend-engineer.rules.yaml`` plus one deliberately unmeasured rule
so that the coverage section has something to show.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_RULES", "OFFENDING_LINES", "SCOPE_ALL_GRADERS"]

_RAW: list[tuple[str, str, str, str, str, list[str]]] = [
    # id, section, text, polarity, name, graders
    (
        "always-write-tests",
        "Always Do",
        "Write tests before or alongside implementation",
        "always",
        "Tests alongside code",
        ["tests_included"],
    ),
    (
        "always-parameterized-queries",
        "Always Do",
        "Use parameterized queries for database access",
        "always",
        "Parameterized queries",
        ["sql_construction"],
    ),
    (
        "always-typed-errors",
        "Always Do",
        "Implement proper error handling with typed errors",
        "always",
        "Typed errors",
        ["typed_errors"],
    ),
    (
        "always-structured-logging",
        "Always Do",
        "Add structured logging with correlation IDs",
        "always",
        "Structured logging",
        ["structured_logging"],
    ),
    (
        "always-profile-first",
        "Always Do",
        "Profile before optimizing",
        "always",
        "Profile first",
        ["judge"],
    ),
    (
        "always-document-api",
        "Always Do",
        "Document API contracts",
        "always",
        "Documented API contracts",
        ["judge"],
    ),
    (
        "never-sql-concat",
        "Never Do",
        "Use string concatenation for SQL queries",
        "never",
        "No SQL string building",
        ["sql_construction"],
    ),
    (
        "never-secrets-in-code",
        "Never Do",
        "Store secrets in code or config files",
        "never",
        "No secrets in code",
        ["secrets_in_code"],
    ),
    (
        "never-skip-validation",
        "Never Do",
        "Skip input validation",
        "never",
        "Validate input",
        ["input_validation"],
    ),
    (
        "never-sync-io",
        "Never Do",
        "Use synchronous operations for I/O-heavy work",
        "never",
        "No blocking I/O in async code",
        ["async_blocking"],
    ),
    (
        "never-ignore-n-plus-one",
        "Never Do",
        "Ignore N+1 query patterns",
        "never",
        "No N+1 queries",
        ["n_plus_one"],
    ),
    (
        "never-deploy-untested",
        "Never Do",
        "Deploy without tests passing",
        "never",
        "Hidden tests pass",
        ["tests_pass"],
    ),
    (
        "commands-lint",
        "Commands",
        "Linting: `ruff check .` (Python)",
        "other",
        "ruff-clean",
        ["lint"],
    ),
    (
        "principle-readability",
        "Code Principles",
        "**Readability > Cleverness** - Code is read 10x more than written",
        "other",
        "Readability over cleverness",
        ["judge"],
    ),
    (
        "principle-fail-fast",
        "Code Principles",
        "**Fail Fast** - Validate early, error clearly",
        "other",
        "Fail fast",
        ["judge"],
    ),
    (
        "principle-security-first",
        "Code Principles",
        "**Security First** - Every input is malicious until proven otherwise",
        "other",
        "Security first",
        ["judge"],
    ),
    (
        "principle-optimize-later",
        "Code Principles",
        "**Optimize Later** - Measure first, optimize second",
        "other",
        "Optimize later",
        [],
    ),
]

#: Rule dicts in the manifest's ``personas[].rules`` shape.
DEFAULT_RULES: list[dict[str, Any]] = [
    {"id": r[0], "section": r[1], "text": r[2], "polarity": r[3], "name": r[4], "graders": r[5]}
    for r in _RAW
]

#: Graders that grade every sample (the others grade only tasks declaring their rules).
SCOPE_ALL_GRADERS = frozenset(
    {"tests_pass", "lint", "secrets_in_code", "sql_construction", "typed_errors"}
)

#: A line of code that breaks each code-graded rule, and what a grader would say.
OFFENDING_LINES: dict[str, tuple[str, str]] = {
    "always-write-tests": (
        "def create_order(payload): return db.insert(payload)",
        "no test file covers create_order",
    ),
    "always-parameterized-queries": (
        'cur.execute("SELECT * FROM orders WHERE id = %s" % order_id)',
        "query built with % formatting instead of bound parameters",
    ),
    "always-typed-errors": ("    except Exception:", "bare Exception caught and swallowed"),
    "always-structured-logging": ('    print("order created", order_id)', "print() used for logs"),
    "never-sql-concat": (
        '    sql = "DELETE FROM orders WHERE id = " + order_id',
        "SQL assembled by string concatenation",
    ),
    "never-secrets-in-code": ('API_KEY = "sk-live-51Hx9fakefakefake"', "hard-coded credential"),
    "never-skip-validation": (
        "    qty = int(request.query_params['qty'])",
        "request parameter used without validation",
    ),
    "never-sync-io": ("    data = requests.get(url).json()", "blocking HTTP call in async handler"),
    "never-ignore-n-plus-one": (
        "    for o in orders: o.items = session.query(Item).filter_by(order_id=o.id).all()",
        "query issued inside a loop over rows (N+1)",
    ),
    "never-deploy-untested": ("    return total * 1.1", "hidden test test_total failed"),
    "commands-lint": ("import os, sys", "E401 multiple imports on one line"),
}
