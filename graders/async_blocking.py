"""``async_blocking``: rule "Never: synchronous operations for I/O-heavy work".

Flags blocking calls made directly inside an ``async def``: ``requests``/``httpx``
sync HTTP, ``urllib.request``, ``time.sleep``, sync DB drivers (``sqlite3``,
``psycopg2``, ``pymysql``, ...) and their connections and cursors, sync SQLAlchemy
sessions (a FastAPI ``db: Session`` parameter included), ``open()``/pathlib/``shutil``
file I/O, ``subprocess``/``os.system`` and sockets (see :mod:`graders._blocking_calls`).
A call to a same-module sync helper (a function, or a ``self.`` method) that does one
of these counts too, followed to a fixed point.

Not flagged: awaited calls; calls inside a nested ``def`` or ``lambda`` (the usual
shape of ``asyncio.to_thread(...)``/``loop.run_in_executor(...)`` offloading); a
function object handed over uncalled (``await asyncio.to_thread(requests.get, url)``);
sync ``def`` endpoints (frameworks run them in a thread pool). Pure AST, no
subprocess. Test files are not graded.
"""

from __future__ import annotations

import ast
from typing import ClassVar, Literal

from evals.schema import Evidence, Grade
from graders._ast_util import Module, evidence, parse_or_verdict
from graders._base import GradeContext, StaticGrader
from graders._blocking_calls import find_blocking, handles_in
from graders._sources import isolate_unparsable

__all__ = ["AsyncBlockingGrader", "blocking_in_module"]

_Fn = ast.FunctionDef | ast.AsyncFunctionDef


def _functions(module: Module) -> list[tuple[str, str, _Fn]]:
    """``(class, call name, def)``: functions as ``("", "f")``, methods as ``("C", "self.f")``."""
    out: list[tuple[str, str, _Fn]] = []
    for node in module.tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out.append(("", node.name, node))
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    out.append((node.name, f"self.{item.name}", item))
    # Nested async defs (closures inside functions) are graded too.
    seen = {id(fn) for _, _, fn in out}
    for sub in module.nodes:
        if isinstance(sub, ast.AsyncFunctionDef) and id(sub) not in seen:
            out.append(("", sub.name, sub))
    return out


def _view(helpers: dict[tuple[str, str], str], cls: str, fn: _Fn) -> dict[str, str]:
    """Helpers callable from ``fn`` (of class ``cls``): module functions, own methods, and
    methods of same-module classes through parameters typed with them (``repo: Repo``)."""
    view = {name: why for (owner, name), why in helpers.items() if owner in ("", cls)}
    a = fn.args
    for param in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
        typed = param.annotation.id if isinstance(param.annotation, ast.Name) else ""
        for (owner, name), why in helpers.items():
            if typed and owner == typed and name.startswith("self."):
                view[f"{param.arg}.{name.removeprefix('self.')}"] = why
    return view


def _class_handles(module: Module) -> dict[str, str]:
    """Module globals and ``self.x`` attributes bound to blocking objects."""
    top = [n for n in module.tree.body if not isinstance(n, ast.FunctionDef | ast.ClassDef)]
    handles = handles_in(module, top, {})
    for node in module.nodes:
        if isinstance(node, ast.ClassDef):
            body: list[ast.AST] = []
            for item in node.body:  # parameters first: ``self._conn = conn`` needs ``conn``
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    a = item.args
                    body += [*a.posonlyargs, *a.args, *a.kwonlyargs]
                    body += [n for stmt in item.body for n in ast.walk(stmt)]
                else:
                    body += list(ast.walk(item))
            found = handles_in(module, body, handles)
            handles.update({k: v for k, v in found.items() if k.startswith("self.")})
    return handles


def blocking_in_module(module: Module) -> list[Evidence]:
    """Evidence for every blocking call inside an ``async def`` of ``module``."""
    functions = _functions(module)
    handles = _class_handles(module)
    #: ``(class, call name)`` -> the blocking call at the bottom of the chain.
    helpers: dict[tuple[str, str], str] = {}
    sync = [(cls, name, fn) for cls, name, fn in functions if isinstance(fn, ast.FunctionDef)]
    changed = True
    while changed:  # a helper that calls a blocking helper blocks too
        changed = False
        for cls, name, fn in sync:
            if (cls, name) in helpers:
                continue
            found = find_blocking(module, fn, handles, _view(helpers, cls, fn))
            if found:
                helpers[(cls, name)] = found[0].root or (
                    f"{found[0].what} at line {found[0].node.lineno}"
                )
                changed = True
    out: list[Evidence] = []
    seen: set[int] = set()
    for cls, _, candidate in functions:
        if not isinstance(candidate, ast.AsyncFunctionDef):
            continue
        for hit in find_blocking(module, candidate, handles, _view(helpers, cls, candidate)):
            if hit.node.lineno in seen:
                continue
            seen.add(hit.node.lineno)
            out.append(evidence(module, hit.node, f"in async def {candidate.name}(): {hit.what}"))
    return out


class AsyncBlockingGrader(StaticGrader):
    """Fails on blocking I/O inside ``async def``; see the module docstring."""

    name: ClassVar[str] = "async_blocking"
    default_rules: ClassVar[tuple[str, ...]] = ("never-sync-io",)
    scope: ClassVar[Literal["all", "declared"]] = "declared"

    @isolate_unparsable()
    def check(self, ctx: GradeContext) -> list[Grade]:
        """Grade every non-test Python file of the sample as one grade."""
        rules = ctx.rule_ids or self.default_rules
        modules, early = parse_or_verdict(self.name, rules, ctx.files)
        if early:
            return early
        found: list[Evidence] = []
        n_async = 0
        for module in modules:
            n_async += sum(isinstance(n, ast.AsyncFunctionDef) for n in module.nodes)
            found += blocking_in_module(module)
        if not found:
            reason = f"no blocking calls in {n_async} async function(s)"
            return [self.make_grade(ctx, "pass", reason=reason, async_functions=n_async)]
        first = found[0]
        reason = (
            f"{len(found)} blocking call(s) inside async code; first {first.file}:{first.line}: "
            f"{first.message}"
        )
        return [
            self.make_grade(
                ctx,
                "fail",
                reason=reason,
                evidence=found,
                kind="blocking",
                async_functions=n_async,
            )
        ]
