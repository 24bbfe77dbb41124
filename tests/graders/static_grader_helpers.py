"""Shared helpers for the static grader tests."""

from __future__ import annotations

from typing import Any

from evals.schema import Grade
from graders import GradeContext, get_grader
from graders._accuracy import evaluate, load_examples


def grade(name: str, files: dict[str, str], **options: Any) -> Grade:
    """The single grade ``name`` gives ``files``."""
    grader = get_grader(name)
    ctx = GradeContext(files=files, rule_ids=grader.default_rules, options=options)
    grades = grader.check(ctx)  # type: ignore[attr-defined]
    assert len(grades) == 1
    return grades[0]


def assert_accuracy(name: str, floor: float = 0.9, minimum: int = 10) -> None:
    """The grader's labelled examples: enough of them, and F1 at or above ``floor``."""
    examples = load_examples(name)
    assert sum(label == "good" for label, _ in examples) >= minimum
    assert sum(label == "bad" for label, _ in examples) >= minimum
    for _, path in examples:
        assert path.read_text(encoding="utf-8").startswith("#"), f"{path}: first line comment"
    acc = evaluate(name)
    assert acc.f1 >= floor, acc.mistakes
