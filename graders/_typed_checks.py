"""The checks behind ``typed_errors``: one pass over a module's AST.

Findings (each fails the rule):

- ``raise-broad``: ``raise Exception`` / ``raise BaseException`` (with or without args).
- ``bare-except``: ``except:``.
- ``broad-swallow``: ``except Exception`` / ``BaseException`` (alone or in a tuple) whose
  body neither re-raises, exits, routes the failure (passes the exception object on,
  dead-letters, nacks, marks the job failed, appends to a ``failed`` collection...) nor
  answers an HTTP error status.
- ``http-200-error``: the same, inside an HTTP handler that answers with a body (a 200).
- ``suppress-broad``: ``contextlib.suppress(Exception)`` (or ``BaseException``).
- ``translate-without-from``: ``raise NewError(...)`` inside an ``except`` block without
  ``from`` (``from None`` is an explicit choice and passes).
- ``narrow-swallow``: a specific exception caught and only logged, or turned into an
  empty or default result (``return None``/``[]``/``""``/a literal), the caller seeing
  success; also a handler that inspects the exception (``if e.code == 404:``) with no
  ``else``, so every case it does not match is silently dropped. A handler that only
  ``pass``es or ``continue``s ignores a specific error on purpose and passes.

Names bound to ``Exception``/``BaseException`` at module level (``Problem = Exception``)
count as those.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["TypedFinding", "check_module"]

_BROAD = frozenset({"Exception", "BaseException"})
_LOG_CALL = re.compile(
    r"(^|\.)(_?log|_?logger|logging|LOG|LOGGER|print|warnings)(\.|$)|"
    r"\.(debug|info|warning|warn|error|exception|critical|log|record_exception)$|"
    r"capture_exception$|^print$"
)
_ROUTING_CALL = re.compile(
    r"dead_?letter|dlq|nack|reject|requeue|retry|quarantine|set_exception|mark_failed|"
    r"record_failure|on_error|errback|report_failure|(^|[._])fail(ed|ures?)?([._]|$)",
    re.IGNORECASE,
)
_WRAPPING_BUILTINS = frozenset({"str", "repr", "type", "format", "print", "isinstance", "getattr"})
_EXIT_CALLS = frozenset({"sys.exit", "exit", "quit", "os._exit"})
_ROUTE_DECORATOR = re.compile(
    r"\.(get|post|put|patch|delete|route|api_route|head|options|websocket)$|^(api_view|require_\w+)$"
)


@dataclass(frozen=True)
class TypedFinding:
    """One violation of "Always: typed errors"."""

    kind: str
    line: int
    col: int
    message: str


@dataclass
class _Ctx:
    handler_names: tuple[str, ...] = ()
    in_handler: bool = False
    http_handler: bool = False
    findings: list[TypedFinding] = field(default_factory=list)
    #: Names standing for Exception/BaseException in this module.
    broad: frozenset[str] = _BROAD


def _name(node: ast.expr | None) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _name(node.value)
        return f"{inner}.{node.attr}" if inner else node.attr
    return ""


def _terminal(node: ast.expr | None) -> str:
    return _name(node).rpartition(".")[2]


def _is_broad(exc_type: ast.expr | None, broad: frozenset[str] = _BROAD) -> bool:
    if isinstance(exc_type, ast.Tuple):
        return any(_terminal(e) in broad for e in exc_type.elts)
    return _terminal(exc_type) in broad


def _aliases(tree: ast.Module) -> frozenset[str]:
    """``_BROAD`` plus module-level names bound to it (``Problem = Exception``)."""
    broad = set(_BROAD)
    for st in tree.body:
        if isinstance(st, ast.Assign) and _is_broad(st.value, frozenset(broad)):
            broad.update(t.id for t in st.targets if isinstance(t, ast.Name))
    return frozenset(broad)


def _own_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Nodes of ``body`` without descending into nested functions or classes."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _error_status(node: ast.expr | None) -> bool:
    """True when ``node`` is a status code of 400 or more (or a status-named variable)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int) and node.value >= 400
    if isinstance(node, ast.Attribute | ast.Name):
        text = _name(node)
        return bool(re.search(r"HTTP_[45]\d\d|status_code|status$|code$", text))
    return False


def _returns_error_response(ret: ast.Return) -> bool:
    value = ret.value
    if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
        return _error_status(value.elts[1])
    if isinstance(value, ast.Call):
        for kw in value.keywords:
            if kw.arg in ("status_code", "status"):
                return _error_status(kw.value)
    return False


def _disposition(handler: ast.ExceptHandler) -> str | None:
    """How a broad handler deals with the failure, or None when it swallows it."""
    exc_name = handler.name
    for node in _own_nodes(handler.body):
        if isinstance(node, ast.Raise):
            return "re-raises"
        if isinstance(node, ast.Return) and _returns_error_response(node):
            return "answers an HTTP error status"
        if (
            isinstance(node, ast.Assign | ast.AnnAssign)
            and isinstance(node.value, ast.Name)
            and node.value.id == exc_name
        ):
            return "keeps the exception"
        if isinstance(node, ast.Call):
            callee = _name(node.func)
            if callee in _EXIT_CALLS:
                return "exits"
            if _LOG_CALL.search(callee) or callee in _WRAPPING_BUILTINS:
                continue
            if _ROUTING_CALL.search(callee):
                return "routes the failure"
            args = [*node.args, *(kw.value for kw in node.keywords)]
            if exc_name and any(isinstance(a, ast.Name) and a.id == exc_name for a in args):
                return "hands the exception on"
    return None


def _is_http_handler(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if fn.name == "dispatch" or any(_ROUTE_DECORATOR.search(_name(d)) for d in fn.decorator_list):
        return True
    params = [a.arg for a in fn.args.args]
    return bool(params) and params[0] == "request"


def _visit(node: ast.AST, ctx: _Ctx) -> None:  # noqa: C901 - one case per construct
    add = ctx.findings.append
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        inner = _Ctx(http_handler=_is_http_handler(node), findings=ctx.findings, broad=ctx.broad)
        for child in ast.iter_child_nodes(node):
            _visit(child, inner)
        return
    if isinstance(node, ast.Raise) and node.exc is not None:
        broad = _terminal(node.exc) in ctx.broad
        if broad:
            add(TypedFinding("raise-broad", node.lineno, node.col_offset, _raise_msg(node)))
        reraise = isinstance(node.exc, ast.Name) and node.exc.id in ctx.handler_names
        if ctx.in_handler and node.cause is None and not reraise and not broad:
            add(
                TypedFinding(
                    "translate-without-from",
                    node.lineno,
                    node.col_offset,
                    f"`raise {_name(node.exc)}(...)` inside an except block without `from`: "
                    "the original cause is lost; use `raise ... from exc` (or `from None`)",
                )
            )
    if (
        isinstance(node, ast.Call)
        and _terminal(node.func) == "suppress"
        and any(_is_broad(a, ctx.broad) for a in node.args)
    ):
        add(
            TypedFinding(
                "suppress-broad",
                node.lineno,
                node.col_offset,
                f"`{ast.unparse(node)}` silences every error; suppress the specific one",
            )
        )
    if isinstance(node, ast.ExceptHandler):
        _check_handler(node, ctx)
        inner = _Ctx(
            handler_names=(*ctx.handler_names, node.name) if node.name else ctx.handler_names,
            in_handler=True,
            http_handler=ctx.http_handler,
            findings=ctx.findings,
            broad=ctx.broad,
        )
        if node.type is not None:
            _visit(node.type, ctx)
        for st in node.body:
            _visit(st, inner)
        return
    for child in ast.iter_child_nodes(node):
        _visit(child, ctx)


def _raise_msg(node: ast.Raise) -> str:
    return (
        f"`raise {_name(node.exc)}`: a generic exception callers cannot catch precisely; "
        "raise a custom exception class (or a specific built-in such as ValueError)"
    )


def _check_handler(node: ast.ExceptHandler, ctx: _Ctx) -> None:
    add = ctx.findings.append
    if node.type is None:
        add(
            TypedFinding(
                "bare-except",
                node.lineno,
                node.col_offset,
                "bare `except:` catches everything, including KeyboardInterrupt and SystemExit; "
                "catch the specific exceptions",
            )
        )
        return
    if not _is_broad(node.type, ctx.broad):
        how = _narrow_swallow(node)
        if how is not None:
            add(
                TypedFinding(
                    "narrow-swallow",
                    node.lineno,
                    node.col_offset,
                    f"`except {ast.unparse(node.type)}` {how}: the caller sees success; "
                    "re-raise a typed error (with `from`) or handle the failure",
                )
            )
        return
    if _disposition(node) is not None:
        return
    returns = [n for n in _own_nodes(node.body) if isinstance(n, ast.Return) and n.value]
    if ctx.http_handler and returns:
        add(
            TypedFinding(
                "http-200-error",
                returns[0].lineno,
                returns[0].col_offset,
                f"HTTP handler catches `{ast.unparse(node.type)}` and answers with a body and "
                "a success status; raise a typed error mapped to a 4xx/5xx status",
            )
        )
        return
    add(
        TypedFinding(
            "broad-swallow",
            node.lineno,
            node.col_offset,
            f"`except {ast.unparse(node.type)}` swallows the failure (no re-raise, no routing); "
            "catch specific exceptions or re-raise a typed error with `from`",
        )
    )


def _is_log(st: ast.stmt) -> bool:
    return (
        isinstance(st, ast.Expr)
        and isinstance(st.value, ast.Call)
        and bool(_LOG_CALL.search(_name(st.value.func)))
    )


def _default_value(node: ast.expr | None) -> bool:
    """``None``, a literal, or an empty container: a made-up result."""
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict):
        return not getattr(node, "elts", getattr(node, "keys", None))
    return (
        isinstance(node, ast.Call)
        and _name(node.func) in ("list", "dict", "set")
        and not (node.args or node.keywords)
    )


def _only_reports(body: list[ast.stmt], seen: list[str]) -> bool:
    """Every statement logs, builds a log message, skips on, or returns a default."""
    for st in body:
        if _is_log(st):
            seen.append("logged")
        elif isinstance(st, ast.Return | ast.Continue | ast.Break | ast.Pass):
            if isinstance(st, ast.Return) and not _default_value(st.value):
                return False
            if isinstance(st, ast.Return):
                seen.append("turned into a default result")
        elif (
            isinstance(st, ast.Assign)
            and all(isinstance(t, ast.Name) for t in st.targets)
            and isinstance(st.value, ast.JoinedStr | ast.Constant)
        ):
            continue  # a message for the log call
        elif isinstance(st, ast.If):
            if not (_only_reports(st.body, seen) and _only_reports(st.orelse, seen)):
                return False
        else:
            return False
    return True


def _narrow_swallow(handler: ast.ExceptHandler) -> str | None:
    """How a specific-exception handler hides the failure, or None (see module doc)."""
    seen: list[str] = []
    if _only_reports(handler.body, seen) and seen:
        return (
            "is only logged"
            if seen == ["logged"] * len(seen)
            else ("is " + " and ".join(dict.fromkeys(seen)))
        )
    last = handler.body[-1]
    if (
        handler.name
        and isinstance(last, ast.If)
        and not last.orelse
        and any(isinstance(n, ast.Name) and n.id == handler.name for n in ast.walk(last.test))
    ):
        return f"inspects `{handler.name}` with no `else`, so unmatched cases are dropped"
    return None


def check_module(tree: ast.Module) -> list[TypedFinding]:
    """Every typed-errors violation in ``tree``, in source order."""
    ctx = _Ctx(broad=_aliases(tree))
    _visit(tree, ctx)
    return sorted(ctx.findings, key=lambda f: (f.line, f.col, f.kind))
