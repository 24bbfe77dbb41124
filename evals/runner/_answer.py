"""What kind of answer a 200 carried: the model's failure, never the harness's.

Infrastructure-looking 200s (an empty content list, an ``error`` body, a body that is not
a message) are raised by the providers as :class:`~evals.errors.ProviderError`: retried,
never cached, recorded ``infra_error`` and retried on resume. What reaches the runner is
a real answer, and some real answers cannot meet the rules:

- ``truncated``: cut at ``max_tokens`` (stop reason ``max_tokens``/``length``);
- ``refusal``: the model declined (stop reason ``refusal``/``content_filter``);
- ``binary``: the text is not text (NUL bytes or mostly control characters).

For those, a rule grader that could not decide (``error``: the code does not parse, the
files are incomplete) is turned into a ``fail`` of the rules it measures, with the
answer kind as ``kind``: the rules the model could not meet count against it instead of
dropping out of the denominators. Sandbox and judge errors stay errors (not the model's
doing). A code-less answer already fails the hidden-tests rule (``no_files``).
"""

from __future__ import annotations

from evals.schema import Grade

__all__ = ["answer_kind", "blame_model"]

_TRUNCATED = ("max_tokens", "length")
_REFUSED = ("refusal", "content_filter")
#: Grade kinds that are the harness's or the judge's problem, whatever the answer.
_NOT_THE_MODEL = ("sandbox", "timeout", "integrity_infra")


def answer_kind(text: str, stop_reason: str | None) -> str | None:
    """``truncated``, ``refusal``, ``binary`` or None for an ordinary answer."""
    head = text[:4096]
    if "\x00" in head:
        return "binary"
    if head:
        odd = sum(1 for ch in head if (ord(ch) < 32 and ch not in "\t\n\r") or ch == "\ufffd")
        if odd / len(head) > 0.1:
            return "binary"
    if stop_reason in _TRUNCATED:
        return "truncated"
    if stop_reason in _REFUSED:
        return "refusal"
    return None


def blame_model(grades: list[Grade], kind: str) -> list[Grade]:
    """Undecided rule-grader grades of a ``kind`` answer, as the model's failures."""
    why = {
        "truncated": "the answer was cut at max_tokens",
        "refusal": "the model refused",
        "binary": "the answer is not text",
    }[kind]
    out = []
    for grade in grades:
        if (
            grade.verdict == "error"
            and grade.grader != "judge"
            and grade.kind not in _NOT_THE_MODEL
        ):
            grade = grade.model_copy(
                update={
                    "verdict": "fail",
                    "score": 0.0,
                    "kind": kind,
                    "reason": f"{why}: {grade.reason}"[:500],
                }
            )
        out.append(grade)
    return out
