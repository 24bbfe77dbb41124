"""Which behaviours each grader measures (see ``evals.persona._behaviours``).

Built-in graders declare theirs here, in one table, so reading it imports no grader
module. A plugin grader declares its own with a class attribute
``behaviours: ClassVar[tuple[str, ...]] = ("my-behaviour",)``; :func:`measures` reads it
from the entry point. The judge measures the behaviours that have a rubric.

This is how a rule of *any* persona reaches a grader: rule text -> behaviours (the
matcher) -> graders measuring them (this table) -> tasks tempting them (task.yaml).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from typing import Any

from graders._base import ENTRY_POINT_GRADERS

__all__ = ["BUILTIN_MEASURES", "judge_rule_options", "measures"]

#: Built-in grader -> the behaviours it measures.
BUILTIN_MEASURES: dict[str, tuple[str, ...]] = {
    "sql_construction": ("sql-string-building",),
    "typed_errors": ("typed-errors",),
    "secrets_in_code": ("secrets-in-code",),
    "input_validation": ("input-validation",),
    "async_blocking": ("blocking-io-in-async",),
    "n_plus_one": ("n-plus-one-queries",),
    "tests_included": ("tests-accompany-change",),
    "tests_pass": ("tests-pass",),
    "lint": ("lint-clean",),
    "structured_logging": ("structured-logging",),
    "judge": (
        "api-documented",
        "profile-before-optimizing",
        "readability",
        "fail-fast",
        "security-first",
    ),
}


def measures() -> dict[str, tuple[str, ...]]:
    """Grader name -> behaviours, built-ins plus plugins that declare ``behaviours``."""
    table = dict(BUILTIN_MEASURES)
    for ep in entry_points(group=ENTRY_POINT_GRADERS):
        if ep.name in table:
            continue
        try:
            declared = getattr(ep.load(), "behaviours", ())
        except Exception:  # noqa: BLE001 - a broken plugin measures nothing; get_grader reports it
            continue
        if isinstance(declared, tuple | list):
            table[ep.name] = tuple(str(b) for b in declared)
    return table


def judge_rule_options(
    rules: Iterable[tuple[str, str, tuple[str, ...]]],
    *,
    rubric_of: Mapping[str, str | None],
) -> dict[str, dict[str, Any]]:
    """Judge rubrics for rules that have none of their own in ``rubrics.yaml``.

    Args:
        rules: ``(rule id, rule text, behaviours)`` of rules mapped to the judge.
        rubric_of: Behaviour id -> the rubric id whose meanings fit it.

    Returns:
        Grader option ``judge.rules``: rule id -> ``{text, pass, fail, not_applicable,
        scope}``. A rule with a behaviour is judged where tasks tempt that behaviour
        (``declared``); one without is judged on every task, where the judge may answer
        "not applicable".
    """
    from graders.judge._rubric import rubric_for

    out: dict[str, dict[str, Any]] = {}
    for rule_id, text, behaviours in rules:
        if rubric_for(rule_id) is not None:
            continue
        base = next(
            (rubric_for(r) for b in behaviours if (r := rubric_of.get(b)) is not None), None
        )
        scope = "declared" if behaviours else "every-task"
        entry: dict[str, Any] = {"text": text, "scope": scope}
        if base is not None:
            entry.update(
                {
                    "pass": base.pass_,
                    "fail": base.fail,
                    "not_applicable": base.not_applicable,
                    "scope": base.scope if base.scope == "every-task" else scope,
                }
            )
        else:
            entry.update(
                {
                    "pass": "The output follows the rule wherever the rule applies.",
                    "fail": "The output breaks the rule somewhere it matters.",
                    "not_applicable": "Nothing in the output is covered by the rule.",
                }
            )
        out[rule_id] = entry
    return out
