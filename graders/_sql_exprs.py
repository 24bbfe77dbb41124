"""Expression evaluation for the SQL dataflow analysis (see :mod:`graders._sql_flow`)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import Literal

from graders._sql_sinks import QUERY_ROOTS, Sink, dotted_name, find_sink, psycopg_object
from graders._sql_values import (
    UNKNOWN,
    Origin,
    Val,
    concat,
    const_str,
    container,
    element,
    interp,
    join,
    join_all,
    sql_shaped,
)

__all__ = ["Env", "ExprEvaluator", "Finding", "Frame"]

Env = dict[str, Val]

_STR_METHODS = frozenset(
    [
        "strip",
        "lstrip",
        "rstrip",
        "upper",
        "lower",
        "title",
        "casefold",
        "capitalize",
        "replace",
        "removeprefix",
        "removesuffix",
        "swapcase",
        "ljust",
        "rjust",
        "center",
        "zfill",
        "expandtabs",
        "translate",
    ]
)
_MUTATORS_ONE = frozenset({"append", "add", "appendleft", "insert", "setdefault"})
_MUTATORS_MANY = frozenset({"extend", "update"})
_CONTAINER_BUILTINS = frozenset({"list", "tuple", "set", "frozenset", "sorted", "reversed"})
_NUMBER_BUILTINS = frozenset({"int", "float", "bool", "len", "abs", "round", "min", "max"})
_PASSTHROUGH = frozenset({"textwrap.dedent", "inspect.cleandoc", "str", "repr"})
_CONST_INT = Val(const=True)


@dataclass(frozen=True)
class Finding:
    """Non-constant data (``injection``) or constant building (``style``) in SQL text.

    ``sink`` is empty when the SQL text was built from data but not sent to a sink
    in this module (stored, returned or passed on): building it is the violation.
    """

    severity: Literal["injection", "style"]
    origin: Origin
    sink: str
    sink_line: int


@dataclass
class Frame:
    """Per-function analysis state."""

    key: str | None
    cls: str | None
    returns: list[Val] = field(default_factory=list)
    #: Parameter -> sink label, for parameters passed unchanged to a sink (wrappers).
    sink_params: dict[str, str] = field(default_factory=dict)
    #: Parameter -> (sink label, call line): the whole SQL text of a sink call that
    #: passes no bind parameters comes unchanged from this parameter.
    raw_params: dict[str, tuple[str, int]] = field(default_factory=dict)


class ExprEvaluator:
    """Evaluates expressions to :class:`Val`; reports sinks as it meets them."""

    imports: dict[str, str]
    globals: Env
    class_consts: dict[str, Env]
    findings: set[Finding]
    #: SQL text built from data, by origin, with the function it was built in.
    built: dict[Origin, tuple[Finding, str | None]]
    ready: bool

    # Implemented by the module analysis (function summaries and statement flow).
    def call_function(
        self, key: str, call: ast.Call, args: list[Val], kwargs: dict[str, Val], fr: Frame
    ) -> Val | None:
        raise NotImplementedError

    def narrow(self, test: ast.expr, env: Env, fr: Frame) -> tuple[Env, Env]:
        raise NotImplementedError

    def bind(self, target: ast.expr, v: Val, env: Env) -> None:
        raise NotImplementedError

    # -- reporting -------------------------------------------------------------------

    def built_text(self, v: Val, node: ast.AST, fr: Frame) -> Val:
        """Note SQL-shaped text built from data at ``node`` (a finding, executed or not)."""
        if self.ready and v.taints and not v.safe and sql_shaped(v.kw):
            origin = min(v.taints, key=lambda o: (o.line, o.col))
            if origin not in self.built:
                finding = Finding("injection", origin, "", getattr(node, "lineno", 0))
                self.built[origin] = (finding, fr.key)
        return v

    def report(
        self,
        v: Val,
        sink: str,
        needs_hint: bool,
        call: ast.Call,
        fr: Frame,
        raw: bool = False,
    ) -> None:
        """Record what value ``v`` reaching sink ``sink`` means.

        ``raw``: the call passes no bind parameters, so a parameter that arrives
        unchanged is the whole SQL text.
        """
        if not self.ready or v.safe:
            return
        if v.taints:
            if needs_hint and not v.hint:
                return
            origin = min(v.taints, key=lambda o: (o.line, o.col))
            self.findings.add(Finding("injection", origin, sink, call.lineno))
        elif v.const and v.built is not None:
            if not (needs_hint and not v.hint):
                self.findings.add(Finding("style", v.built, sink, call.lineno))
        elif v.param is not None and fr.key is not None and not needs_hint:
            fr.sink_params.setdefault(v.param, sink)
            if raw:
                fr.raw_params.setdefault(v.param, (sink, call.lineno))

    def _check_sink(self, sink: Sink, call: ast.Call, env: Env, fr: Frame) -> None:
        raw = sink.takes_text and not sink.binds
        for arg in sink.args:
            v = self.ev(arg, env, fr)
            self.report(v, f"`{sink.name}`", sink.needs_hint, call, fr, raw=raw)

    # -- expressions -----------------------------------------------------------------

    def ev(self, node: ast.expr, env: Env, fr: Frame) -> Val:  # noqa: C901 - a dispatcher
        """The abstract value of ``node``."""
        if isinstance(node, ast.Constant):
            return const_str(node.value) if isinstance(node.value, str) else _CONST_INT
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            return self.globals.get(node.id, UNKNOWN)
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, env, fr)
        if isinstance(node, ast.BinOp):
            return self._binop(node, env, fr)
        if isinstance(node, ast.Call):
            return self._call(node, env, fr)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, env, fr)
        if isinstance(node, ast.Subscript):
            base = self.ev(node.value, env, fr)
            self.ev(node.slice, env, fr)
            if isinstance(node.slice, ast.Slice):
                return base
            if base.items is not None and isinstance(node.slice, ast.Constant):
                idx = node.slice.value
                if isinstance(idx, int) and -len(base.items) <= idx < len(base.items):
                    return base.items[idx]
            return base.elem if base.elem is not None else UNKNOWN
        if isinstance(node, ast.IfExp):
            self.ev(node.test, env, fr)
            pos, neg = self.narrow(node.test, env, fr)
            return join(
                self.ev(node.body, {**env, **pos}, fr), self.ev(node.orelse, {**env, **neg}, fr)
            )
        if isinstance(node, ast.BoolOp):
            return join_all([self.ev(v, env, fr) for v in node.values]) or UNKNOWN
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            vals = [self._elt(e, env, fr) for e in node.elts]
            items = tuple(vals) if isinstance(node, ast.Tuple) else None
            return container(join_all(vals), items=items)
        if isinstance(node, ast.Dict):
            keys = [self.ev(k, env, fr) for k in node.keys if k is not None]
            values = [self.ev(v, env, fr) for v in node.values]
            return container(join_all(values), keys=join_all(keys))
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            return self._comprehension(node, env, fr)
        if isinstance(node, ast.Await):
            return self.ev(node.value, env, fr)
        if isinstance(node, ast.NamedExpr):
            v = self.ev(node.value, env, fr)
            self.bind(node.target, v, env)
            return v
        if isinstance(node, ast.Compare | ast.UnaryOp):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.ev(child, env, fr)
            return UNKNOWN
        if isinstance(node, ast.Starred):
            return self.ev(node.value, env, fr)
        return UNKNOWN

    def _elt(self, node: ast.expr, env: Env, fr: Frame) -> Val:
        if isinstance(node, ast.Starred):
            return element(self.ev(node.value, env, fr))
        return self.ev(node, env, fr)

    def _fstring(self, node: ast.JoinedStr, env: Env, fr: Frame) -> Val:
        parts: list[Val] = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                parts.append(interp(self.ev(value.value, env, fr), value.value, "f-string"))
            elif isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(const_str(value.value))
        if not any(isinstance(v, ast.FormattedValue) for v in node.values):
            return join_all(parts) or const_str("")
        return self.built_text(concat(parts, node, "f-string"), node, fr)

    def _as_text(self, v: Val, node: ast.expr, how: str) -> Val:
        return v if v.const or v.taints else interp(v, node, how)

    def _binop(self, node: ast.BinOp, env: Env, fr: Frame) -> Val:
        left = self.ev(node.left, env, fr)
        right = self.ev(node.right, env, fr)
        out = self.binop_values(node.op, left, right, node, node.left, node.right)
        return self.built_text(out, node, fr)

    def binop_values(
        self,
        op: ast.operator,
        left: Val,
        right: Val,
        node: ast.AST,
        lnode: ast.expr,
        rnode: ast.expr,
    ) -> Val:
        """``left <op> right`` (also used for augmented assignment)."""
        if left.safe or right.safe:
            return Val(safe=True)
        if isinstance(op, ast.Add):
            if left.stringy or right.stringy:
                return concat(
                    [self._as_text(left, lnode, "+"), self._as_text(right, rnode, "+")], node, "+"
                )
            if left.elem is not None or right.elem is not None:
                return container(join_all([v for v in (left.elem, right.elem) if v is not None]))
        elif isinstance(op, ast.Mod) and left.stringy:
            if right.items is not None:
                values = list(right.items)
            elif right.keys is not None and right.elem is not None:
                values = [right.elem]
            else:
                values = [right]
            return concat(
                [left, *(self._as_text(v, rnode, "% formatting") for v in values)], node, "%"
            )
        elif isinstance(op, ast.Mult):
            if left.is_str and left.const:
                here = Origin(
                    getattr(node, "lineno", 0), getattr(node, "col_offset", 0), "SQL built by *"
                )
                return replace(left, built=left.built or here)
            if left.elem is not None:
                return container(left.elem)
        if left.const and right.const:
            return _CONST_INT
        return UNKNOWN

    def _attribute(self, node: ast.Attribute, env: Env, fr: Frame) -> Val:
        base = node.value
        if isinstance(base, ast.Name):
            cls = fr.cls if base.id in ("self", "cls") else base.id
            if cls is not None and node.attr in self.class_consts.get(cls, {}):
                return self.class_consts[cls][node.attr]
        v = self.ev(base, env, fr)
        if v.const:
            return Val(const=True)
        if node.attr == "query":  # Flask-SQLAlchemy ``Model.query``
            return Val(query=True)
        return UNKNOWN

    def _comprehension(
        self,
        node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
        env: Env,
        fr: Frame,
    ) -> Val:
        inner = dict(env)
        for gen in node.generators:
            self.bind(gen.target, element(self.ev(gen.iter, inner, fr)), inner)
            for cond in gen.ifs:
                self.ev(cond, inner, fr)
                inner.update(self.narrow(cond, inner, fr)[0])
        if isinstance(node, ast.DictComp):
            return container(self.ev(node.value, inner, fr), keys=self.ev(node.key, inner, fr))
        return container(self.ev(node.elt, inner, fr))

    def _call(self, node: ast.Call, env: Env, fr: Frame) -> Val:
        func = node.func
        recv = self.ev(func.value, env, fr) if isinstance(func, ast.Attribute) else None
        args = [self.ev(a, env, fr) for a in node.args]
        kwargs = {kw.arg or "**": self.ev(kw.value, env, fr) for kw in node.keywords}
        sink = find_sink(node, self.imports, on_query=recv is not None and recv.query)
        if sink is not None:
            self._check_sink(sink, node, env, fr)
            if sink.returns_sql_object:
                return Val(safe=True)
        if isinstance(func, ast.Attribute) and (func.attr in QUERY_ROOTS or (recv and recv.query)):
            return Val(query=True)
        qualified = dotted_name(func, self.imports)
        if psycopg_object(qualified) is not None:
            return Val(safe=True)
        if qualified == "string.Template" and args:
            return replace(args[0], is_str=True, template=True)
        if isinstance(func, ast.Attribute) and recv is not None:
            return self._method(node, func, recv, args, kwargs, env, fr)
        if isinstance(func, ast.Name):
            return self._function(node, func.id, qualified or func.id, args, kwargs, env, fr)
        return UNKNOWN

    def _method(  # noqa: C901 - one case per method family
        self,
        node: ast.Call,
        func: ast.Attribute,
        recv: Val,
        args: list[Val],
        kwargs: dict[str, Val],
        env: Env,
        fr: Frame,
    ) -> Val:
        name = func.attr
        if recv.safe:
            return Val(safe=True)
        base = func.value
        if isinstance(base, ast.Name) and base.id in ("self", "cls") and fr.cls is not None:
            out = self.call_function(f"{fr.cls}.{name}", node, args, kwargs, fr)
            if out is not None:
                return out
        mutator = name in _MUTATORS_ONE or name in _MUTATORS_MANY
        if mutator and isinstance(base, ast.Name) and base.id in env and args:
            new = args[-1] if name in _MUTATORS_ONE else element(args[-1])
            elem = new if recv.elem is None else join(recv.elem, new)
            env[base.id] = replace(recv, elem=elem, const=recv.const and new.const)
            return UNKNOWN
        substitute = name in ("substitute", "safe_substitute") and recv.template
        if (name in ("format", "format_map") and (recv.stringy or args or kwargs)) or substitute:
            # str.format is the only common ``.format(data)``; an unknown receiver
            # (``queries.BY_ID.format(x)``) is text too.
            nodes: list[ast.expr] = [*node.args, *(kw.value for kw in node.keywords)]
            values = [*args, *kwargs.values()]
            if name == "format_map" or (substitute and args):
                values = [args[0].elem or args[0]] if args else []
            parts = [self._as_text(v, n, f".{name}()") for v, n in zip(values, nodes, strict=False)]
            text = recv if recv.stringy else replace(recv, is_str=True)
            return self.built_text(concat([text, *parts], node, f".{name}()"), node, fr)
        if name == "join" and recv.stringy and args:
            item = self._as_text(element(args[0]), node.args[0], "str.join()")
            return self.built_text(concat([recv, item], node, "str.join()"), node, fr)
        if name == "replace" and recv.stringy and len(args) >= 2:
            new = self._as_text(args[1], node.args[1], "str.replace()")
            return self.built_text(concat([recv, new], node, "str.replace()"), node, fr)
        if name in _STR_METHODS:
            if recv.const:
                return replace(recv, param=None, template=False)
            if recv.taints:
                return Val(
                    is_str=True, taints=recv.taints, hint=recv.hint, built=recv.built, kw=recv.kw
                )
            return UNKNOWN
        if name in ("split", "splitlines", "rsplit"):
            return container(element(recv) if recv.stringy else UNKNOWN)
        if name == "get" and (recv.elem is not None or recv.keys is not None):
            default = args[1] if len(args) > 1 else _CONST_INT
            return join(recv.elem or UNKNOWN, default)
        if name == "keys":
            return container(recv.keys) if recv.keys is not None else UNKNOWN
        if name == "values":
            return container(recv.elem) if recv.keys is not None else UNKNOWN
        if name == "items" and recv.keys is not None:
            pair = Val(const=recv.const, items=(recv.keys, recv.elem or UNKNOWN))
            return container(pair)
        if name == "copy":
            return recv
        return UNKNOWN

    def _function(
        self,
        node: ast.Call,
        name: str,
        qualified: str,
        args: list[Val],
        kwargs: dict[str, Val],
        env: Env,
        fr: Frame,
    ) -> Val:
        first = args[0] if args else None
        if qualified in _PASSTHROUGH and first is not None:
            return first if first.stringy or first.const else UNKNOWN
        if name in _NUMBER_BUILTINS:
            return _CONST_INT if args and all(a.const for a in args) else UNKNOWN
        if name == "range":
            return container(_CONST_INT)
        if name == "enumerate" and first is not None:
            return container(Val(const=element(first).const, items=(_CONST_INT, element(first))))
        if name == "zip":
            elems = tuple(element(a) for a in args)
            return container(Val(const=all(e.const for e in elems), items=elems))
        if name in _CONTAINER_BUILTINS and first is not None:
            return container(element(first))
        if name == "map" and len(node.args) > 1:
            mapped = dotted_name(node.args[0], self.imports)
            return container(Val(safe=True) if psycopg_object(mapped) else UNKNOWN)
        out = self.call_function(name, node, args, kwargs, fr)
        return out if out is not None else UNKNOWN
