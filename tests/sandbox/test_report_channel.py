"""The report channel's grammar: anything but a well-formed record of a whole run is a
violation (graded integrity), and message fields are trimmed."""

from __future__ import annotations

import json

import pytest

from evals.sandbox import ExecResult
from evals.sandbox._report import MESSAGE_CAP, build_report, parse_channel


def _lines(*records: dict[str, object]) -> list[str]:
    return [json.dumps({**r, "seq": i}) for i, r in enumerate(records)] + [""]


START = {"t": "start", "pid": 7}
FINISH = {"t": "finish", "exitstatus": 0, "collected": 1, "tampered": []}


def _test(nodeid: str, when: str, outcome: str = "passed", msg: str = "") -> dict[str, object]:
    return {"t": "test", "id": nodeid, "when": when, "outcome": outcome, "msg": msg}


GOOD = [START, _test("a", "setup"), _test("a", "call"), _test("a", "teardown"), FINISH]


def test_a_whole_run_parses() -> None:
    records, violations = parse_channel(_lines(*GOOD))
    assert violations == [] and len(records) == 5


def test_setup_failure_skips_the_call_phase() -> None:
    run = [START, _test("a", "setup", "failed", "boom"), _test("a", "teardown"), FINISH]
    report = build_report({"report": {"lines": _lines(*run)}}, ExecResult(0, "", "", 0.1))
    assert report.violations == () and report.finished
    assert report.outcomes["a"].outcome == "error"


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        ([], "no records"),
        (_lines(*GOOD[:-1]), "no session-finish"),
        (_lines(*GOOD)[:-1] + ['{"t": "test"'], "not JSON"),
        (_lines(GOOD[1], GOOD[0], *GOOD[2:]), "start must come first"),
        (_lines(*GOOD, _test("b", "setup")), "after the session-finish"),
        (_lines(START, _test("a", "call"), FINISH), "call without setup"),
        (_lines(START, _test("a", "setup"), _test("b", "call"), FINISH), "inside the block"),
        (_lines(START, _test("a", "setup"), FINISH), "finished inside the block"),
        (_lines(*GOOD[:4], *GOOD[1:4], FINISH), "reported twice"),
        (_lines(START, {**_test("a", "setup"), "outcome": "PASSED"}, FINISH), "outcome="),
        (_lines(START, {**_test("a", "setup"), "id": 3}, FINISH), "field 'id'"),
        (_lines(START, {**FINISH, "exitstatus": True}), "field 'exitstatus'"),
        (_lines(START, {"t": "verdict", "pass": True}, FINISH), "unknown record type"),
        ([json.dumps({**r, "seq": 0}) for r in GOOD], "has seq"),
        (['["not", "an", "object"]'], "not an object"),
    ],
)
def test_malformed_missing_or_out_of_order_is_a_violation(lines: list[str], why: str) -> None:
    _, violations = parse_channel(lines)
    assert violations and why in violations[0], violations


def test_an_oversized_channel_is_a_violation() -> None:
    _, violations = parse_channel(_lines(*GOOD), truncated=True)
    assert "size cap" in violations[0]


def test_messages_are_trimmed() -> None:
    run = [
        START,
        _test("a", "setup"),
        _test("a", "call", "failed", "x" * 10**6),
        _test("a", "teardown"),
        FINISH,
    ]
    report = build_report({"report": {"lines": _lines(*run)}}, ExecResult(0, "", "", 0.1))
    assert len(report.outcomes["a"].message) == MESSAGE_CAP
