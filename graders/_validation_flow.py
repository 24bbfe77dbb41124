"""Raw request input and what validates it, within one endpoint function.

Raw input: a FastAPI parameter typed ``dict``/``Dict[...]``/``Any``/``Mapping``/
``list[dict]`` (or a bare ``Body()``), and reads of ``request.json``/``.get_json()``/
``.form``/``.args``/``.values``/``.data``/``.body``/``.query_params``/``.POST``/
``.GET`` (Starlette, Flask, Django, DRF). Names assigned from raw input are raw too.

Validated: a validating model built from the raw data (a pydantic ``BaseModel``, a
marshmallow/DRF/Django schema, serializer or form, a dataclass with ``__post_init__``,
a msgspec ``Struct``; declared anywhere in the sample), a validation call
(``model_validate``, ``parse_obj``, ``validate_python``, ``jsonschema.validate``,
``schema.load``, ``.is_valid()``, ``msgspec.convert``), an explicit check (an ``if``
on the raw data that raises, aborts or returns, and is more than a truthiness test of
the whole payload), or a conversion inside ``try`` whose handler rejects (``int(...)``
with ``except ValueError: abort(400)``). Werkzeug's ``request.args.get("n", type=int)``
is a typed read.

Handed on (not this function's to validate): a helper or dependency (not a route,
and called in the sample or given to ``Depends``) whose raw input only reaches its
return value (``return await
request.body()``, ``return BoltRequest(body=..., query=req.query_params)``): its
callers are graded where they use the value; and an override that delegates the
request to the framework's own implementation (``return super().login(request)``),
which validates it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from graders._ast_util import Module, call_name, dotted, iter_scope

__all__ = [
    "RawRead",
    "called_functions",
    "handed_on",
    "is_validated",
    "raw_reads",
    "validating_classes",
]

RAW_ATTRS = {
    "json", "get_json", "form", "args", "values", "data", "body", "query_params",
    "POST", "GET", "stream",
}  # fmt: skip
_REQUEST_NAMES = {"request", "req"}
_RAW_TYPES = {"dict", "Dict", "Any", "Mapping", "MutableMapping", "object", "JSON", "Json"}
_VALIDATING_BASES = {
    "BaseModel", "RootModel", "BaseSettings", "Schema", "Form", "ModelForm", "Serializer",
    "ModelSerializer", "Struct", "TypedModel",
}  # fmt: skip
VALIDATE_CALLS = {
    "model_validate", "model_validate_json", "parse_obj", "parse_raw", "validate_python",
    "validate_json", "validate", "load", "loads", "is_valid", "full_clean", "convert",
    "validate_payload", "validate_request", "validate_input",
}  # fmt: skip
#: ``json.loads`` parses, it does not validate.
_PARSERS = {"json", "orjson", "ujson", "simplejson", "yaml", "pickle", "msgpack", "tomllib"}
_CONVERTERS = {"int", "float", "Decimal", "UUID", "fromisoformat", "date", "datetime", "bool"}
_REJECT_CALLS = {"abort", "HTTPException", "JSONResponse", "JsonResponse", "HttpResponseBadRequest",
                 "ValidationError", "jsonify", "Response", "HttpResponse"}  # fmt: skip


@dataclass(frozen=True)
class RawRead:
    """Where raw input enters an endpoint."""

    node: ast.AST
    what: str


def validating_classes(modules: Iterable[Module]) -> set[str]:
    """Names of classes in the sample that validate their input when constructed."""
    classes: dict[str, ast.ClassDef] = {}
    for module in modules:
        for node in module.nodes:
            if isinstance(node, ast.ClassDef):
                classes[node.name] = node
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, cls in classes.items():
            if name in found:
                continue
            bases = {dotted(b).rsplit(".", 1)[-1] for b in cls.bases}
            decos = {dotted(d.func if isinstance(d, ast.Call) else d) for d in cls.decorator_list}
            post_init = any(
                isinstance(s, ast.FunctionDef) and s.name == "__post_init__" for s in cls.body
            )
            if (
                bases & (_VALIDATING_BASES | found)
                or "pydantic.dataclasses.dataclass" in decos
                or (post_init and decos & {"dataclass", "dataclasses.dataclass"})
            ):
                found.add(name)
                changed = True
    return found


def _is_raw_annotation(node: ast.expr | None) -> bool:
    if node is None:
        return False
    if isinstance(node, ast.Subscript):
        head = dotted(node.value).rsplit(".", 1)[-1]
        if head in {"list", "List", "Sequence"}:
            return _is_raw_annotation(node.slice)
        if head == "Annotated" and isinstance(node.slice, ast.Tuple):
            return _is_raw_annotation(node.slice.elts[0])
        return head in _RAW_TYPES
    return dotted(node).rsplit(".", 1)[-1] in _RAW_TYPES


def raw_reads(fn: ast.FunctionDef | ast.AsyncFunctionDef, endpoint: bool) -> list[RawRead]:
    """Raw input entering ``fn``: dict-typed endpoint parameters and request reads."""
    out: list[RawRead] = []
    a = fn.args
    params = [*a.posonlyargs, *a.args, *a.kwonlyargs]
    if endpoint:
        for p in params:
            if _is_raw_annotation(p.annotation):
                out.append(RawRead(p, f"parameter `{p.arg}` is an untyped dict/Any body"))
    requests = _REQUEST_NAMES | {
        p.arg
        for p in params
        if p.annotation is not None and dotted(p.annotation).endswith("Request")
    }
    nodes = list(iter_scope(fn.body))
    # ``request.args.get("page", type=int)``: werkzeug converts (and rejects) the value.
    typed = {
        id(n.func.value)
        for n in nodes
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "get"
        and any(k.arg == "type" for k in n.keywords)
    }
    for node in nodes:
        if (
            id(node) not in typed
            and isinstance(node, ast.Attribute)
            and node.attr in RAW_ATTRS
            and isinstance(node.value, ast.Name)
            and node.value.id in requests
        ):
            out.append(RawRead(node, f"reads raw {node.value.id}.{node.attr}"))
    return out


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _raw_names(fn: ast.FunctionDef | ast.AsyncFunctionDef, reads: list[RawRead]) -> set[str]:
    raw = {r.node.arg for r in reads if isinstance(r.node, ast.arg)}
    read_ids = {id(r.node) for r in reads}
    assigns = [n for n in iter_scope(fn.body) if isinstance(n, ast.Assign | ast.AnnAssign)]
    changed = True
    while changed:
        changed = False
        for node in assigns:
            if node.value is None:
                continue
            touches = _names(node.value) & raw or any(
                id(n) in read_ids for n in ast.walk(node.value)
            )
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            new = {n for t in targets for n in _names(t)} - raw
            if touches and new:
                raw |= new
                changed = True
    return raw


def _touches(node: ast.AST, raw: set[str], read_ids: set[int]) -> bool:
    return bool(_names(node) & raw) or any(id(n) in read_ids for n in ast.walk(node))


def _rejects(body: list[ast.stmt]) -> bool:
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(node, ast.Raise | ast.Return):
            return True
        if isinstance(node, ast.Call) and call_name(node) in _REJECT_CALLS:
            return True
    return False


def _real_test(test: ast.expr) -> bool:
    """More than ``if data`` / ``if not data``: a comparison, type check or field access."""
    for node in ast.walk(test):
        if isinstance(node, ast.Compare):
            none_check = all(isinstance(op, ast.Is | ast.IsNot) for op in node.ops) and all(
                isinstance(c, ast.Constant) and c.value is None for c in node.comparators
            )
            if not none_check:
                return True
        if isinstance(node, ast.Subscript):
            return True
        if isinstance(node, ast.Call) and call_name(node) not in {"bool"}:
            return True
    return False


def is_validated(
    fn: ast.FunctionDef | ast.AsyncFunctionDef, reads: list[RawRead], classes: set[str]
) -> bool:
    """Whether ``fn`` validates the raw input ``reads`` (see the module docstring)."""
    raw = _raw_names(fn, reads)
    read_ids = {id(r.node) for r in reads}
    nodes = list(iter_scope(fn.body))
    for node in nodes:
        if isinstance(node, ast.Call):
            name = call_name(node)
            args = [*node.args, *(k.value for k in node.keywords)]
            fed = any(_touches(a, raw, read_ids) for a in args)
            if name in {"is_valid", "full_clean"}:
                return True
            parser = dotted(node.func).split(".", 1)[0] in _PARSERS
            if fed and not parser and (name in VALIDATE_CALLS or name in classes):
                return True
        if isinstance(node, ast.If) and _checks(node, raw, read_ids):
            return True
        if isinstance(node, ast.Try) and _converts(node, raw, read_ids):
            return True
    return False


def _checks(node: ast.If, raw: set[str], read_ids: set[int]) -> bool:
    """``if <real test of raw data>: raise/abort/return``."""
    return _touches(node.test, raw, read_ids) and _real_test(node.test) and _rejects(node.body)


def _converts(node: ast.Try, raw: set[str], read_ids: set[int]) -> bool:
    """``try: int(raw) ... except ValueError: reject``."""
    if not any(_rejects(h.body) for h in node.handlers):
        return False
    return any(
        isinstance(sub, ast.Call)
        and call_name(sub) in _CONVERTERS
        and any(_touches(a, raw, read_ids) for a in sub.args)
        for stmt in node.body
        for sub in ast.walk(stmt)
    )


def _delegates(fn: ast.FunctionDef | ast.AsyncFunctionDef, requests: set[str]) -> bool:
    """``super().<method>(request, ...)``: the framework's implementation gets the request."""
    for node in iter_scope(fn.body):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Call)
            and call_name(node.func.value) == "super"
            and any(isinstance(a, ast.Name) and a.id in requests for a in node.args)
        ):
            return True
    return False


def _only_returned(fn: ast.FunctionDef | ast.AsyncFunctionDef, reads: list[RawRead]) -> bool:
    """Every use of the raw input is (through assignments) part of a returned value."""
    raw = _raw_names(fn, reads) - {r.node.arg for r in reads if isinstance(r.node, ast.arg)}
    read_ids = {id(r.node) for r in reads}
    for st in iter_scope(fn.body):
        if not isinstance(st, ast.stmt) or isinstance(
            st, ast.If | ast.For | ast.While | ast.With | ast.AsyncWith | ast.Try
        ):
            continue
        if not _touches(st, raw, read_ids):
            continue
        if isinstance(st, ast.Return) and st.value is not None and _passes(st.value, raw):
            continue
        if isinstance(st, ast.Assign | ast.AnnAssign) and st.value is not None:
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            if all(_root(t) in raw for t in targets) and _passes(st.value, raw):
                continue  # propagation or filling in the value; its own uses are checked
        return False
    return True


#: Calls that only decode or wrap raw input (no work is done with it).
_DECODERS = frozenset({"loads", "load", "decode", "get", "dict", "list", "str", "bytes"})


def _passes(value: ast.expr, raw: set[str]) -> bool:
    """``value`` only reads, decodes or wraps raw input: no call does work with it.

    Reads of the request (``await request.form()``), decoding (``json.loads``,
    ``.get``, ``.decode``) and wrapping in a class (``BoltRequest(body=...)``) pass
    it on; any other call (``Comment.objects.create(...)``, ``search(q)``) uses it.
    """
    for node in ast.walk(value):
        if not isinstance(node, ast.Call):
            continue
        name = call_name(node)
        on_raw = isinstance(node.func, ast.Attribute) and (
            _root(node.func.value) in raw or _root(node.func.value) in _REQUEST_NAMES
        )
        if not (on_raw or name in _DECODERS or name[:1].isupper()):
            return False
    return True


def _root(node: ast.expr) -> str:
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call | ast.Await):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def called_functions(modules: Iterable[Module]) -> set[str]:
    """Names called anywhere in the sample, or given to FastAPI's ``Depends(...)``."""
    out: set[str] = set()
    for module in modules:
        for node in module.nodes:
            if isinstance(node, ast.Call):
                out.add(call_name(node))
                if call_name(node) == "Depends":
                    out.update(dotted(a).rsplit(".", 1)[-1] for a in node.args)
    return out


def handed_on(
    fn: ast.FunctionDef | ast.AsyncFunctionDef,
    reads: list[RawRead],
    route: str | None,
    called: set[str],
) -> bool:
    """Whether ``fn`` hands its raw input on instead of using it (see the module doc).

    ``called``: :func:`called_functions` of the sample (a helper has callers; a view
    is only registered).
    """
    requests = {_root(r.node) for r in reads if isinstance(r.node, ast.Attribute)}
    if requests and _delegates(fn, requests):
        return True
    return route is None and _only_returned(fn, reads)
