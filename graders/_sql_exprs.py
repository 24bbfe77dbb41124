"""Expression evaluation for the SQL dataflow analysis (see :mod:`graders._sql_flow`)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import Literal

from graders._sql_calls import CONST_INT, CallRules
from graders._sql_sinks import Sink
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


class ExprEvaluator(CallRules):
    """Evaluates expressions to :class:`Val`; reports sinks as it meets them.

    Calls (sinks, ``str`` methods, builtins, the module's own functions) are read by
    :class:`~graders._sql_calls.CallRules`.
    """

    globals: Env
    class_consts: dict[str, Env]
    findings: set[Finding]
    #: SQL text built from data, by origin, with the function it was built in.
    built: dict[Origin, tuple[Finding, str | None]]
    ready: bool

    # Implemented by the module analysis (statement flow); call_function: see CallRules.
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
            return const_str(node.value) if isinstance(node.value, str) else CONST_INT
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
            return CONST_INT
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
