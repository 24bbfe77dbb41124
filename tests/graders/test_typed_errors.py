"""typed_errors: accuracy on the labelled examples, and evidence content."""

from __future__ import annotations

import textwrap

import pytest

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


# -- real handlers (#17): specific errors hidden from the caller; aliases ------------

_HIDDEN = {
    "only_logged": (
        "def load(path):\n    try:\n        return read(path)\n    except KeyError:\n"
        "        log.warning('missing %s', path)\n"
    ),
    "logged_then_empty_result": (
        "def recs(p):\n    try:\n        df = load(p)\n    except FileNotFoundError:\n"
        "        log.warning('no model')\n        return []\n    return df\n"
    ),
    "turned_into_default": (
        "def email(c, pid):\n    try:\n        return get(c, pid)['email']\n"
        "    except KeyError:\n        return 'unknown@example.com'\n"
    ),
    "message_then_log_in_branches": (
        "def ids(c, people):\n    out = []\n    for p in people:\n        try:\n"
        "            out.append(resolve(c, p))\n        except ApiError as e:\n"
        "            msg = f'cannot resolve {p}: {e}'\n            if e.code == 404:\n"
        "                log.warning(msg)\n                continue\n            else:\n"
        "                log.exception(msg)\n                continue\n    return out\n"
    ),
    "inspects_without_else": (
        "def upload(req):\n    try:\n        return req.next_chunk()\n    except HttpError as e:\n"
        "        if e.status in (500, 503):\n            raise\n"
    ),
    "alias_of_exception": (
        "Problem = Exception\n\n\ndef f():\n    try:\n        g()\n    except Problem:\n"
        "        return None\n"
    ),
    "raise_alias_of_exception": "Oops = BaseException\n\n\ndef f():\n    raise Oops('x')\n",
}
_HANDLED = {
    "ignored_on_purpose": (
        "def join(q, m):\n    try:\n        q = q.join(m)\n    except InvalidRequestError:\n"
        "        pass  # cannot be joined\n    return q\n"
    ),
    "alternative_value": (
        "def enc(model):\n    try:\n        e = for_model(model)\n    except KeyError:\n"
        "        log.warning('no tokeniser for %s', model)\n        e = get_encoding('base')\n"
        "    return e\n"
    ),
    "inspects_with_else_raise": (
        "def members(c, key):\n    try:\n        return call(c, key)\n    except HttpError as e:\n"
        "        if e.status == 404:\n            return None\n        else:\n            raise\n"
    ),
    "fallback_to_input": (
        "def name(c, uid):\n    try:\n        return c.info(uid)['name']\n    except ApiError:\n"
        "        return uid\n"
    ),
    "shown_to_the_user": (
        "def save(self, request, form):\n    try:\n        create(**form.cleaned_data)\n"
        "    except ValidationError as exc:\n        self.message_user(request, str(exc))\n"
    ),
}


@pytest.mark.parametrize("name", sorted(_HIDDEN))
def test_hidden_failures_fail(name: str) -> None:
    grade = _grade(_HIDDEN[name])
    assert grade.verdict == "fail", grade.reason


@pytest.mark.parametrize("name", sorted(_HANDLED))
def test_handled_failures_pass(name: str) -> None:
    grade = _grade(_HANDLED[name])
    assert grade.verdict == "pass", [e.message for e in grade.evidence]
