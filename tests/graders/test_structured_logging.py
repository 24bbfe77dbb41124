"""structured_logging: prints, interpolated messages, correlation-id propagation."""

from __future__ import annotations

import textwrap

import pytest
from static_grader_helpers import assert_accuracy, grade

from graders._logging_facts import is_id_name

FILTER = """
import contextvars, logging
rid = contextvars.ContextVar("request_id", default="-")

class F(logging.Filter):
    def filter(self, record):
        record.request_id = rid.get()
        return True

log = logging.getLogger(__name__)
"""


def _grade(src: str):  # type: ignore[no-untyped-def]
    return grade("structured_logging", {"svc.py": textwrap.dedent(src)})


def test_labelled_examples_reach_the_floor() -> None:
    assert_accuracy("structured_logging")


def test_fstring_and_print_evidence() -> None:
    g = _grade(FILTER + "\ndef f(x):\n    log.info(f'got {x}')\n    print(x)\n")
    assert g.verdict == "fail" and g.rule_ids == ["always-structured-logging"]
    assert [(e.line, e.message.split(";")[0]) for e in g.evidence] == [
        (13, "log message built with an f-string"),
        (14, "print() in service code"),
    ]
    assert g.evidence[0].snippet == "log.info(f'got {x}')"
    assert g.metadata["problems"] == ["formatted", "print"]
    assert g.score == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("call", "verdict"),
    [
        ("log.info('done', extra={'n': x})", "pass"),
        ("log.info('done n=%s', x)", "pass"),  # lazy args keep the template constant
        ("log.info('done n=%s' % x)", "fail"),
        ("log.info('done n={}'.format(x))", "fail"),
        ("log.info('done ' + str(x))", "fail"),
        ("log.log(20, f'done {x}')", "fail"),
    ],
)
def test_message_styles(call: str, verdict: str) -> None:
    assert _grade(FILTER + f"\ndef f(x):\n    {call}\n").verdict == verdict


def test_missing_correlation_id_and_missing_logging() -> None:
    g = _grade("import logging\nlog = logging.getLogger()\ndef f():\n    log.info('x')\n")
    assert g.verdict == "fail" and "correlation" in g.evidence[0].message
    assert g.evidence[0].line == 4
    g = _grade("def f():\n    return 1\n")
    assert g.verdict == "fail" and g.evidence[0].message.startswith("no logging at all")


def test_main_guard_prints_are_allowed_and_extra_ids_count() -> None:
    src = (
        "import logging\nlog = logging.getLogger()\n"
        "def f(rid):\n    log.info('x', extra={'correlation_id': rid})\n"
        "if __name__ == '__main__':\n    print('hi')\n"
    )
    assert _grade(src).verdict == "pass"


def test_id_names() -> None:
    assert all(map(is_id_name, ["request_id", "correlationId", "X-Request-ID", "trace_id"]))
    assert not any(map(is_id_name, ["user_id", "order_id", "id"]))
