"""Does a module map errors to HTTP status codes? (reported by ``typed_errors``).

Recognised mechanisms: exception handlers (``@app.exception_handler``,
``@app.errorhandler``, ``add_exception_handler``, ``register_error_handler``),
``HTTPException``/``abort``/``Http404`` with a status, error responses with a 4xx/5xx
status, dicts mapping exception classes to status codes, and exception classes that
carry a ``status_code``-like class attribute.
"""

from __future__ import annotations

import ast

__all__ = ["http_mapping"]

_HANDLER_REGISTRATION = frozenset(
    {"exception_handler", "errorhandler", "add_exception_handler", "register_error_handler"}
)
_HTTP_ERRORS = frozenset({"HTTPException", "abort", "Http404", "HttpResponseBadRequest"})
_STATUS_ATTRS = frozenset({"status_code", "http_status", "status", "code"})


def _terminal(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _is_status(node: ast.expr | None) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int) and 400 <= node.value <= 599
    if isinstance(node, ast.Attribute):
        return node.attr.startswith(("HTTP_4", "HTTP_5"))
    return False


def _exception_classes(nodes: list[ast.AST]) -> set[str]:
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ClassDef):
            bases = {_terminal(b) for b in node.bases}
            if any(b.endswith(("Error", "Exception")) or b in names for b in bases):
                names.add(node.name)
    return names


def http_mapping(tree: ast.Module, nodes: list[ast.AST] | None = None) -> list[tuple[int, str]]:
    """``[(line, mechanism)]`` for every place errors are mapped to HTTP statuses.

    ``nodes``: every node of ``tree``, when the caller has walked it already.
    """
    found: list[tuple[int, str]] = []
    nodes = nodes if nodes is not None else list(ast.walk(tree))
    error_classes = _exception_classes(nodes)
    for node in nodes:
        if isinstance(node, ast.Call):
            name = _terminal(node.func)
            if name in _HANDLER_REGISTRATION:
                found.append((node.lineno, f"exception handler ({name})"))
            elif name in _HTTP_ERRORS:
                found.append((node.lineno, name))
            elif any(
                kw.arg in ("status_code", "status") and _is_status(kw.value) for kw in node.keywords
            ):
                found.append((node.lineno, f"{name or 'response'} with an error status"))
        elif isinstance(node, ast.Dict):
            keyed = [k for k in node.keys if k is not None and _terminal(k) in error_classes]
            if keyed and any(_is_status(v) for v in node.values):
                found.append((node.lineno, "exception -> status mapping dict"))
        elif isinstance(node, ast.ClassDef) and node.name in error_classes:
            for st in node.body:
                if (
                    isinstance(st, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id in _STATUS_ATTRS for t in st.targets)
                    and _is_status(st.value)
                ):
                    found.append((st.lineno, f"{node.name} carries an HTTP status"))
    return sorted(set(found))
