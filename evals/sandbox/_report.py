"""What a sandboxed pytest run reports: per-test outcomes, checked strictly, and the process result.

The records come from the report channel (see ``_inside/_pe_reporter.py``), which runs in
the candidate's process and so may say anything. This module never trusts their content:
it checks their grammar (one JSON object per line, ``seq`` 0, 1, 2, ...; ``start`` first,
``finish`` last; each test one contiguous setup -> call -> teardown block; known fields of
known types) and every deviation becomes a :attr:`PytestReport.violations` entry, which
graders turn into an ``integrity`` failure, never an ``error``. Whether the outcomes are
*true* is decided against the canaries (``evals/sandbox/canary.py``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from evals.sandbox._base import ExecResult

__all__ = ["MESSAGE_CAP", "Outcome", "PytestReport", "TestOutcome", "parse_channel"]

Outcome = Literal["passed", "failed", "error", "skipped"]
#: Longest message kept from a record (the rest is the candidate's to inflate).
MESSAGE_CAP = 400
_PHASES = ("setup", "call", "teardown")
_OUTCOMES = ("passed", "failed", "skipped")


@dataclass(frozen=True)
class TestOutcome:
    """One test's combined outcome over its setup, call and teardown phases."""

    __test__ = False  # not a pytest test class

    nodeid: str
    outcome: Outcome
    #: Trimmed assertion / error message of the first phase that did not pass.
    message: str = ""


@dataclass(frozen=True)
class PytestReport:
    """A sandboxed pytest run."""

    result: ExecResult
    outcomes: Mapping[str, TestOutcome] = field(default_factory=dict)
    #: ``(nodeid, message)`` of collection errors (a test file that failed to import).
    collect_errors: tuple[tuple[str, str], ...] = ()
    #: True only when a well-formed session-finish record ended a well-formed channel.
    finished: bool = False
    exitstatus: int | None = None
    #: pytest internals / builtins the candidate replaced during the run (a signal only).
    tampered: tuple[str, ...] = ()
    #: Why the report channel is not a well-formed record of a whole run (integrity).
    violations: tuple[str, ...] = ()
    #: Hidden files whose content changed during the run (process fallback only).
    modified: tuple[str, ...] = ()

    @property
    def passed_ids(self) -> set[str]:
        return {nodeid for nodeid, o in self.outcomes.items() if o.outcome == "passed"}


def _trim(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= MESSAGE_CAP else text[: MESSAGE_CAP - 3] + "..."


_FIELDS: dict[str, dict[str, type]] = {
    "start": {},
    "collect_error": {"id": str, "msg": str},
    "test": {"id": str, "when": str, "outcome": str, "msg": str},
    "finish": {"exitstatus": int, "collected": int, "tampered": list},
}


def _field_error(record: Mapping[str, Any]) -> str:
    kind = str(record.get("t"))
    if kind not in _FIELDS:
        return f"unknown record type {kind!r}"
    for name, typ in _FIELDS[kind].items():
        value = record.get(name)
        if not isinstance(value, typ) or isinstance(value, bool):
            return f"{kind} record: field {name!r} is missing or not {typ.__name__}"
    if kind == "test" and (record["when"] not in _PHASES or record["outcome"] not in _OUTCOMES):
        return f"test record with when={record['when']!r} outcome={record['outcome']!r}"
    return ""


class _Grammar:
    """Tracks the per-test setup -> call -> teardown blocks."""

    def __init__(self) -> None:
        self.phases: dict[str, list[dict[str, Any]]] = {}
        self.open: str | None = None
        self.closed: set[str] = set()

    def feed(self, record: dict[str, Any]) -> str:
        nodeid, when = record["id"], record["when"]
        if self.open is None:
            if when != "setup":
                return f"{nodeid}: {when} without setup"
            if nodeid in self.closed:
                return f"{nodeid}: reported twice"
            self.open = nodeid
            self.phases[nodeid] = [record]
            return ""
        if nodeid != self.open:
            return f"{nodeid}: reported inside the block of {self.open}"
        last = self.phases[nodeid][-1]
        expected = "call" if last["when"] == "setup" and last["outcome"] == "passed" else "teardown"
        if when != expected:
            return f"{nodeid}: {when} after {last['when']}"
        self.phases[nodeid].append(record)
        if when == "teardown":
            self.closed.add(nodeid)
            self.open = None
        return ""


def parse_channel(
    lines: Sequence[str], truncated: bool = False
) -> tuple[list[dict[str, Any]], list[str]]:
    """``(records, violations)`` of the raw channel; records stop at the first violation."""
    violations: list[str] = ["the report channel went over its size cap"] if truncated else []
    records: list[dict[str, Any]] = []
    grammar = _Grammar()
    finished = False
    body = list(lines)
    if body and body[-1] == "":
        body.pop()  # the newline after the last record
    for index, line in enumerate(body):
        problem = ""
        try:
            record = json.loads(line)
        except ValueError:
            record, problem = None, f"record {index} is not JSON"
        if not problem and not isinstance(record, dict):
            problem = f"record {index} is not an object"
        if not problem and (record.get("seq") != index or isinstance(record.get("seq"), bool)):
            problem = f"record {index} has seq {record.get('seq')!r}"
        if not problem:
            problem = _field_error(record)
        if not problem and (index == 0) != (record["t"] == "start"):
            problem = f"record {index}: start must come first, once"
        if not problem and finished:
            problem = f"record {index} after the session-finish record"
        if not problem and record["t"] == "test":
            problem = grammar.feed(record)
        if not problem and record["t"] == "finish":
            finished = True
            if grammar.open is not None:
                problem = f"session finished inside the block of {grammar.open}"
        if problem:
            violations.append(problem)
            break
        records.append(record)
    if not violations and not finished:
        violations.append(
            "no session-finish record: the test process ended before pytest did"
            if body
            else "no records at all on the report channel"
        )
    return records, violations


def _combine(phases: list[dict[str, Any]]) -> tuple[Outcome, str]:
    outcome: Outcome = "passed"
    message = ""
    for phase in phases:
        when, result = phase["when"], phase["outcome"]
        if result == "failed":
            return ("failed" if when == "call" else "error"), _trim(phase["msg"])
        if result == "skipped" and outcome == "passed":
            outcome, message = "skipped", _trim(phase["msg"])
    if outcome == "passed" and "call" not in [p["when"] for p in phases]:
        return "error", "the test never ran its call phase"
    return outcome, message


def build_report(response: Mapping[str, Any], result: ExecResult) -> PytestReport:
    """Turn the worker's raw channel into a :class:`PytestReport` (see the module docstring)."""
    channel = response.get("report") or {}
    lines = [str(line) for line in channel.get("lines", [])]
    records, violations = parse_channel(lines, bool(channel.get("truncated")))
    phases: dict[str, list[dict[str, Any]]] = {}
    collect_errors: list[tuple[str, str]] = []
    finish: dict[str, Any] | None = None
    for record in records:
        if record["t"] == "test":
            phases.setdefault(record["id"], []).append(record)
        elif record["t"] == "collect_error":
            collect_errors.append((record["id"], _trim(record["msg"])))
        elif record["t"] == "finish":
            finish = record
    outcomes = {}
    for nodeid, recs in phases.items():
        if recs[-1]["when"] != "teardown":
            continue  # an unfinished block (the run was cut short)
        outcome, message = _combine(recs)
        outcomes[nodeid] = TestOutcome(nodeid, outcome, message)
    return PytestReport(
        result=result,
        outcomes=outcomes,
        collect_errors=tuple(collect_errors),
        finished=finish is not None and not violations,
        exitstatus=int(finish["exitstatus"]) if finish is not None else None,
        tampered=tuple(_trim(t) for t in finish["tampered"][:50]) if finish is not None else (),
        violations=tuple(_trim(v) for v in violations),
        modified=tuple(str(m) for m in response.get("modified", ())),
    )
