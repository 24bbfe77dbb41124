"""Accuracy of the rule graders on the held-out labelled set.

``tests/graders/heldout`` was written from the rule text alone, without reading the
graders or their own examples, so these floors measure generalisation rather than
fit. Measured when the set was added: sql_construction P=R=F1=1.000 (30 good, 30 bad),
typed_errors P=R=F1=1.000 (25 good, 25 bad).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graders._accuracy import evaluate, load_examples

HELDOUT = Path(__file__).resolve().parent / "heldout"
F1_FLOOR = 0.95


@pytest.mark.parametrize(
    ("grader", "n_good", "n_bad"),
    [("sql_construction", 30, 30), ("typed_errors", 25, 25)],
)
def test_heldout_set_is_complete(grader: str, n_good: int, n_bad: int) -> None:
    labels = [label for label, _ in load_examples(grader, HELDOUT)]
    assert labels.count("good") == n_good
    assert labels.count("bad") == n_bad


@pytest.mark.parametrize("grader", ["sql_construction", "typed_errors"])
def test_heldout_f1_floor(grader: str) -> None:
    acc = evaluate(grader, HELDOUT)
    assert acc.n == len(load_examples(grader, HELDOUT))
    assert acc.f1 >= F1_FLOOR, f"{grader}: F1 {acc.f1:.3f} < {F1_FLOOR}; mistakes: {acc.mistakes}"
