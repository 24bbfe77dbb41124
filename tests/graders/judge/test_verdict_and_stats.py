"""Quote grounding, reply parsing, majority vote, and the κ statistics."""

from __future__ import annotations

import math

import pytest

from evals.providers import ToolCall
from graders.judge._stats import cohen_kappa, confusion, per_rule
from graders.judge._verdict import Vote, locate_quote, majority, parse_votes

FILES = {"app.py": "def f(x):\n    if x  <  0:\n        raise ValueError('neg')\n    return x\n"}


def test_quote_is_found_after_whitespace_normalisation_with_its_line() -> None:
    where = locate_quote("if x < 0:\n raise   ValueError('neg')", FILES)
    assert where is not None and (where.file, where.line) == ("app.py", 2)
    assert locate_quote("`return x`", FILES) is not None  # fences are stripped
    assert locate_quote("raise TypeError('neg')", FILES) is None
    assert locate_quote("x", FILES) is None  # too short to ground anything


def _call(*entries: dict[str, object]) -> tuple[ToolCall, ...]:
    return (ToolCall("record_verdicts", {"verdicts": list(entries)}),)


def test_parse_votes_grounds_each_rule_and_flags_missing_or_bad_entries() -> None:
    calls = _call(
        {
            "rule_id": "r1",
            "verdict": "fail",
            "reason": "raises",
            "quote": "raise ValueError('neg')",
        },
        {"rule_id": "r2", "verdict": "pass", "reason": "ok", "quote": "not in the file at all"},
        {"rule_id": "r3", "verdict": "maybe", "reason": "?", "quote": ""},
    )
    votes = parse_votes(calls, ["r1", "r2", "r3", "r4"], FILES, "record_verdicts")
    assert [votes[r].verdict for r in ("r1", "r2", "r3", "r4")] == [
        "fail",
        "unscored",
        "invalid",
        "invalid",
    ]
    assert "no verdict for this rule" in votes["r4"].problem
    none = parse_votes((), ["r1"], FILES, "record_verdicts")
    assert none["r1"].verdict == "invalid" and "no tool call" in none["r1"].problem


def test_not_applicable_needs_no_quote_but_pass_does() -> None:
    calls = _call(
        {"rule_id": "a", "verdict": "not_applicable", "reason": "no code", "quote": ""},
        {"rule_id": "b", "verdict": "pass", "reason": "fine", "quote": ""},
    )
    votes = parse_votes(calls, ["a", "b"], FILES, "record_verdicts")
    assert votes["a"].verdict == "not_applicable" and votes["b"].verdict == "unscored"


def test_majority_vote_split_unscored_and_error() -> None:
    p, f = Vote("r", "pass", "ok", "q"), Vote("r", "fail", "bad", "q")
    won = majority("r", [p, f, p])
    assert won.verdict == "pass" and won.votes["pass"] == 2 and won.votes["fail"] == 1
    assert majority("r", [p, f]).verdict == "split"
    assert majority("r", [p, Vote("r", "unscored"), Vote("r", "unscored")]).verdict == "pass"
    assert majority("r", [Vote("r", "invalid", problem="x")]).verdict == "unscored"
    assert majority("r", [Vote("r", "error", problem="down")]).verdict == "error"


def test_kappa_matches_a_hand_computed_example() -> None:
    # 50 items: both yes 20, a-yes/b-no 5, a-no/b-yes 10, both no 15.
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    k = cohen_kappa(a, b)
    p_o, p_e = 35 / 50, (25 * 30 + 25 * 20) / 2500
    assert k.kappa == pytest.approx((p_o - p_e) / (1 - p_e))  # 0.4
    assert k.low < k.kappa < k.high


def test_kappa_edge_cases() -> None:
    assert cohen_kappa(["a", "b"], ["a", "b"]).kappa == pytest.approx(1.0)
    assert math.isnan(cohen_kappa(["a", "a"], ["a", "a"]).kappa)  # p_e = 1: undefined
    assert cohen_kappa(["a", "b"], ["b", "a"]).kappa < 0
    with pytest.raises(ValueError):
        cohen_kappa(["a"], [])


def test_confusion_keeps_the_verdict_order_and_per_rule_groups() -> None:
    import pandas as pd

    table = confusion(["pass", "fail", "fail"], ["pass", "unscored", "fail"], ["pass", "fail"])
    assert list(table.index) == ["pass", "fail"]
    assert list(table.columns) == ["pass", "fail", "unscored"]
    assert table.loc["fail", "unscored"] == 1
    frame = pd.DataFrame(
        {
            "rule": ["x", "x", "y"],
            "human": ["pass", "fail", "pass"],
            "judge": ["pass", "fail", "fail"],
        }
    )
    rows = per_rule(frame).set_index("rule")
    assert rows.loc["x", "agree"] == 1.0 and rows.loc["y", "agree"] == 0.0
