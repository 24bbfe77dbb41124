"""input_validation: endpoints taking raw input without a validating model or checks."""

from __future__ import annotations

import textwrap

import pytest
from static_grader_helpers import assert_accuracy, grade

from graders.input_validation import route_of

FLASK = """
from flask import Flask, abort, request
app = Flask(__name__)

@app.post("/t")
def t():
    data = request.get_json()
{body}
"""


def _grade(src: str):  # type: ignore[no-untyped-def]
    return grade("input_validation", {"api.py": textwrap.dedent(src)})


def test_labelled_examples_reach_the_floor() -> None:
    assert_accuracy("input_validation")


def test_evidence_names_the_endpoint_and_the_raw_read() -> None:
    g = _grade(FLASK.format(body="    return data['x']"))
    assert g.verdict == "fail" and g.rule_ids == ["never-skip-validation"]
    (ev,) = g.evidence
    assert (ev.file, ev.line) == ("api.py", 7)
    assert "POST /t (t)" in ev.message and "request.get_json" in ev.message
    assert g.metadata == {"endpoints": 1, "raw_input_endpoints": 1}
    assert g.score == 0.0


@pytest.mark.parametrize(
    ("body", "verdict"),
    [
        ("    if not data:\n        abort(400)\n    return data", "fail"),  # truthiness only
        ("    if data is None:\n        abort(400)\n    return data", "fail"),
        ("    if not isinstance(data.get('n'), int):\n        abort(400)\n    return data", "pass"),
        (
            "    try:\n        n = int(data['n'])\n    except ValueError:\n        abort(400)",
            "pass",
        ),
        ("    import json\n    return json.loads(data)", "fail"),
        ("    return schema.validate(data)", "pass"),
    ],
)
def test_what_counts_as_validation(body: str, verdict: str) -> None:
    assert _grade(FLASK.format(body=body)).verdict == verdict


def test_score_is_the_validated_fraction() -> None:
    src = """
        from fastapi import FastAPI
        from pydantic import BaseModel
        app = FastAPI()

        class In(BaseModel):
            n: int

        @app.post("/a")
        def a(body: dict):
            return In(**body)

        @app.post("/b")
        def b(body: dict):
            return body

        @app.get("/c")
        def c(n: int):
            return n
        """
    g = _grade(src)
    assert g.verdict == "fail" and g.score == pytest.approx(0.5)
    assert g.metadata == {"endpoints": 3, "raw_input_endpoints": 2}


def test_route_labels() -> None:
    import ast

    tree = ast.parse(
        "@app.route('/x', methods=['PUT'])\ndef f(): pass\n@router.get('/y')\ndef g(): pass\n"
        "@cache.get\ndef h(): pass\n"
    )
    fns = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert [route_of(f) for f in fns] == ["PUT /x", "GET /y", None]


def test_skips_tests_and_errors_on_bad_syntax() -> None:
    assert grade("input_validation", {"test_api.py": "x = 1\n"}).verdict == "skipped"
    assert grade("input_validation", {"api.py": "def f(\n"}).verdict == "error"


# -- real-code sweep causes (#17): validation by whatever the request is handed to ----


def test_dependency_returning_the_raw_body_is_not_an_endpoint() -> None:
    src = (
        "from fastapi import APIRouter, Depends, Request\n\nrouter = APIRouter()\n\n\n"
        "async def get_body(request: Request):\n    return await request.body()\n\n\n"
        "def to_bolt(req: Request, body: bytes):\n"
        "    r = BoltRequest(body=body.decode('utf-8'), query=req.query_params)\n"
        "    r.context['x'] = 1\n    return r\n"
    )
    g = grade("input_validation", {"app/slack.py": src})
    assert g.verdict == "pass", [e.message for e in g.evidence]


def test_override_delegating_to_the_framework_passes() -> None:
    src = (
        "class Site(AdminSite):\n    def login(self, request, *args, **kwargs):\n"
        "        username = request.POST.get('username')\n"
        "        flag = Data.objects.filter(user__email=username).first()\n"
        "        return super().login(request, *args, **kwargs)\n"
    )
    g = grade("input_validation", {"admin/sites.py": src})
    assert g.verdict == "pass", [e.message for e in g.evidence]


def test_raw_input_used_before_it_is_returned_still_fails() -> None:
    src = (
        "def add_comment(request, post_id):\n"
        "    c = Comment.objects.create(post_id=post_id, body=request.POST['body'])\n"
        "    return JsonResponse({'id': c.id})\n"
    )
    assert grade("input_validation", {"blog/views.py": src}).verdict == "fail"
