"""``input_validation``: rule "Never: skip input validation".

Endpoints: functions with a route decorator (FastAPI/Starlette ``@app.get``/
``@router.post``/``@app.api_route``, Flask ``@app.route``/``@bp.post``, DRF
``@api_view``), plus any function that reads raw request data (Django views, class-based
``def post(self, request)`` methods, Flask helpers using the global ``request``).

An endpoint fails when raw input enters it (a ``dict``/``Any``-typed body parameter,
``request.json``/``get_json()``/``form``/``args``/``POST``/``GET``/``body``/...) and
nothing validates it: no validating model or schema built from it, no validation call,
no explicit check that rejects bad values (see :mod:`graders._validation_flow`).
Endpoints taking typed parameters (``item: ItemCreate``, ``limit: int = Query(ge=1)``)
take no raw input. Partial checks count as validation: the grader measures whether
validation happens, not whether it is complete.

Score: the fraction of endpoints taking raw input that validate it. Test files are not
graded.
"""

from __future__ import annotations

import ast
from typing import Any, ClassVar, Literal

from evals.schema import Evidence, Grade
from graders._ast_util import Module, dotted, evidence, parse_or_verdict
from graders._base import GradeContext, StaticGrader
from graders._sources import isolate_unparsable
from graders._validation_flow import (
    called_functions,
    handed_on,
    is_validated,
    raw_reads,
    validating_classes,
)

__all__ = ["InputValidationGrader", "route_of"]

_ROUTE_METHODS = {
    "get", "post", "put", "patch", "delete", "route", "api_route", "head", "options",
    "websocket", "api_view",
}  # fmt: skip


def route_of(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """``"POST /items"`` for a route-decorated function, ``""`` if unnamed, else None."""
    for deco in fn.decorator_list:
        call = deco if isinstance(deco, ast.Call) else None
        func = call.func if call is not None else deco
        name = dotted(func).rsplit(".", 1)[-1]
        if name not in _ROUTE_METHODS:
            continue
        if name != "api_view" and (call is None or not isinstance(func, ast.Attribute)):
            continue  # ``@app.get("/x")`` is a route; a bare ``@get`` or ``@x.get`` is not
        keywords = call.keywords if call is not None else []
        path = ""
        if call is not None and call.args and isinstance(call.args[0], ast.Constant):
            path = str(call.args[0].value)
        verb = name.upper() if name not in {"route", "api_route", "api_view"} else ""
        methods = next((k.value for k in keywords if k.arg == "methods"), None)
        if isinstance(methods, ast.List | ast.Tuple) and methods.elts:
            first = methods.elts[0]
            verb = str(first.value) if isinstance(first, ast.Constant) else verb
        return f"{verb} {path}".strip()
    return None


class InputValidationGrader(StaticGrader):
    """Fails on endpoints taking raw input without validating it; see the module doc."""

    name: ClassVar[str] = "input_validation"
    default_rules: ClassVar[tuple[str, ...]] = ("never-skip-validation",)
    scope: ClassVar[Literal["all", "declared"]] = "declared"

    @isolate_unparsable()
    def check(self, ctx: GradeContext) -> list[Grade]:
        """Grade every non-test Python file of the sample as one grade."""
        rules = ctx.rule_ids or self.default_rules
        modules, early = parse_or_verdict(self.name, rules, ctx.files)
        if early:
            return early
        classes = validating_classes(modules)
        called = called_functions(modules)
        endpoints = 0
        with_raw = 0
        found: list[Evidence] = []
        for module in modules:
            n, r, ev = _scan(module, classes, called)
            endpoints, with_raw, found = endpoints + n, with_raw + r, found + ev
        meta: dict[str, Any] = {"endpoints": endpoints, "raw_input_endpoints": with_raw}
        if not found:
            reason = (
                f"all {with_raw} endpoint(s) taking raw input validate it"
                if with_raw
                else "no endpoint takes raw input"
            ) + f" ({endpoints} endpoint(s) in all)"
            return [self.make_grade(ctx, "pass", reason=reason, **meta)]
        score = 1.0 - len(found) / with_raw
        first = found[0]
        reason = (
            f"{len(found)} of {with_raw} endpoint(s) use raw input unvalidated; first "
            f"{first.file}:{first.line}: {first.message}"
        )
        return [
            self.make_grade(
                ctx, "fail", score=score, reason=reason, evidence=found, kind="unvalidated", **meta
            )
        ]


def _scan(module: Module, classes: set[str], called: set[str]) -> tuple[int, int, list[Evidence]]:
    endpoints = with_raw = 0
    found: list[Evidence] = []
    for fn in module.nodes:
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        route = route_of(fn)
        reads = raw_reads(fn, endpoint=route is not None)
        if route is None and not reads:
            continue
        endpoints += 1
        if not reads:
            continue
        with_raw += 1
        if is_validated(fn, reads, classes) or handed_on(fn, reads, route, called):
            continue
        label = f"{route} ({fn.name})" if route else f"{fn.name}()"
        message = (
            f"endpoint {label} {reads[0].what} without a validating model, schema or "
            "explicit checks"
        )
        found.append(evidence(module, reads[0].node, message))
    return endpoints, with_raw, found
