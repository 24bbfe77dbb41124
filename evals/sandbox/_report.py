"""What a sandboxed pytest run reports: verified per-test outcomes, and the process result.

The outcomes come only from the signed out-of-band channel (see
``_inside/_pe_reporter.py``); the worker has already dropped any record whose HMAC or
sequence number did not check out and counted it in :attr:`PytestReport.forged`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from evals.sandbox._base import ExecResult

__all__ = ["Outcome", "PytestReport", "TestOutcome"]

Outcome = Literal["passed", "failed", "error", "skipped"]


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
    #: True only when the signed session-finish record arrived: pytest ran to its end.
    finished: bool = False
    exitstatus: int | None = None
    #: pytest internals / builtins the candidate replaced during the run.
    tampered: tuple[str, ...] = ()
    #: Lines on the report channel that failed verification (forgery attempts).
    forged: int = 0
    #: Protected files (the hidden tests) whose content changed during the run.
    modified: tuple[str, ...] = ()

    @property
    def passed_ids(self) -> set[str]:
        return {nodeid for nodeid, o in self.outcomes.items() if o.outcome == "passed"}


def _combine(phases: list[dict[str, Any]]) -> tuple[Outcome, str]:
    outcome: Outcome = "passed"
    message = ""
    saw_call = False
    for phase in phases:
        when, result = phase.get("when"), phase.get("outcome")
        saw_call = saw_call or when == "call"
        if result == "failed":
            return ("failed" if when == "call" else "error"), str(phase.get("msg", ""))
        if result == "skipped" and outcome == "passed":
            outcome, message = "skipped", str(phase.get("msg", ""))
    if outcome == "passed" and not saw_call:
        return "error", "the test never ran its call phase"
    return outcome, message


def build_report(response: Mapping[str, Any], result: ExecResult) -> PytestReport:
    """Turn the worker's verified records into a :class:`PytestReport`."""
    channel = response.get("report") or {}
    phases: dict[str, list[dict[str, Any]]] = {}
    collect_errors: list[tuple[str, str]] = []
    finish: dict[str, Any] | None = None
    for record in channel.get("records", []):
        kind = record.get("t")
        if kind == "test" and finish is None:
            phases.setdefault(str(record.get("id")), []).append(record)
        elif kind == "collect_error":
            collect_errors.append((str(record.get("id")), str(record.get("msg", ""))))
        elif kind == "finish":
            finish = record
    outcomes = {}
    for nodeid, recs in phases.items():
        outcome, message = _combine(recs)
        outcomes[nodeid] = TestOutcome(nodeid, outcome, message)
    return PytestReport(
        result=result,
        outcomes=outcomes,
        collect_errors=tuple(collect_errors),
        finished=finish is not None,
        exitstatus=int(finish["exitstatus"]) if finish is not None else None,
        tampered=tuple(finish.get("tampered", ())) if finish is not None else (),
        forged=int(channel.get("forged", 0)),
        modified=tuple(response.get("modified", ())),
    )
