"""typed_errors: accuracy on the labelled examples, and evidence content."""

from __future__ import annotations

import textwrap

from evals.schema import Grade
from graders import GradeContext, get_grader
from graders._accuracy import evaluate
from graders.typed_errors import TypedErrorsGrader


def _grade(code: str, path: str = "svc.py") -> Grade:
    ctx = GradeContext(files={path: textwrap.dedent(code)}, rule_ids=("always-typed-errors",))
    (grade,) = TypedErrorsGrader().check(ctx)
    return grade


def _kinds(grade: Grade) -> list[tuple[int | None, str]]:
    return [(e.line, (e.message or "").split("]")[0].lstrip("[")) for e in grade.evidence]


def test_accuracy_floor_on_labelled_examples() -> None:
    acc = evaluate("typed_errors")
    assert acc.n >= 80
    mistakes = "\n".join(
        f"{label} {path}: {verdict} {reason}" for label, path, verdict, reason in acc.mistakes
    )
    assert acc.f1 >= 0.95, f"F1 {acc.f1:.3f} (P {acc.precision:.3f} R {acc.recall:.3f})\n{mistakes}"


def test_registered_by_name() -> None:
    grader = get_grader("typed_errors")
    assert isinstance(grader, TypedErrorsGrader)
    assert grader.default_rules == ("always-typed-errors",)


def test_each_finding_kind_with_its_line() -> None:
    grade = _grade(
        """\
        import contextlib


        class NotFound(Exception):
            pass


        def a(d, k):
            if not k:
                raise Exception("empty key")
            try:
                return d[k]
            except KeyError:
                raise NotFound(k)


        def b(path):
            try:
                return open(path).read()
            except:
                return ""


        def c(f):
            try:
                f()
            except Exception:
                pass
            with contextlib.suppress(BaseException):
                f()
        """
    )
    assert grade.verdict == "fail"
    assert _kinds(grade) == [
        (10, "raise-broad"),
        (14, "translate-without-from"),
        (20, "bare-except"),
        (27, "broad-swallow"),
        (29, "suppress-broad"),
    ]
    assert grade.evidence[0].snippet == 'raise Exception("empty key")'
    assert grade.metadata["finding_counts"]["broad-swallow"] == 1


def test_http_handler_answering_200_is_its_own_kind() -> None:
    grade = _grade(
        """\
        from fastapi import FastAPI

        app = FastAPI()


        @app.post("/orders")
        async def create(body: dict):
            try:
                return {"ok": True, "id": await save(body)}
            except Exception as e:
                return {"ok": False, "error": str(e)}
        """
    )
    assert _kinds(grade) == [(11, "http-200-error")]


def test_broad_catch_that_reraises_or_routes_passes() -> None:
    grade = _grade(
        """\
        import logging

        log = logging.getLogger(__name__)


        def run(job, dlq):
            try:
                job()
            except Exception:
                log.exception("failed")
                raise


        def consume(msg, dead_letter_queue):
            try:
                msg.handle()
            except Exception as exc:
                dead_letter_queue.put((msg, repr(exc)))


        def work(job, report):
            try:
                job.run()
            except Exception:
                report.failed.append(job.id)
                log.exception("job failed")
        """
    )
    assert grade.verdict == "pass", grade.evidence


def test_logging_alone_does_not_count_as_handling() -> None:
    grade = _grade(
        """\
        import logging

        log = logging.getLogger(__name__)


        def run(job):
            try:
                job()
            except Exception as exc:
                log.error("job failed: %s", exc)
        """
    )
    assert _kinds(grade) == [(9, "broad-swallow")]


def test_http_status_mapping_is_reported() -> None:
    mapped = _grade(
        """\
        from fastapi import HTTPException


        class Missing(LookupError):
            pass


        def read(store, key):
            try:
                return store[key]
            except KeyError as exc:
                raise HTTPException(status_code=404, detail="missing") from exc
        """
    )
    assert mapped.verdict == "pass"
    assert mapped.metadata["http_status_mapping"] is True
    assert any("HTTPException" in s for s in mapped.metadata["http_status_mapping_sites"])
    plain = _grade("def f(x):\n    if x < 0:\n        raise ValueError(x)\n    return x\n")
    assert plain.metadata["http_status_mapping"] is False


def test_unparsable_and_test_files() -> None:
    assert _grade("try:\n  pass\nexcept Exception\n").verdict == "error"
    broad = "def f():\n    raise Exception('x')\n"
    assert _grade(broad, path="tests/test_svc.py").verdict == "skipped"
    assert _grade(broad, path="svc.py").verdict == "fail"
