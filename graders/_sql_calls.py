"""How the SQL dataflow analysis reads calls (see :mod:`graders._sql_exprs`).

A call is a sink (checked where it is), a query builder, a ``str`` method or a builtin
whose result is known from its arguments, or one of the module's own functions
(summarised by :mod:`graders._sql_flow`).
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import TYPE_CHECKING

from graders._sql_sinks import QUERY_ROOTS, Sink, dotted_name, find_sink, psycopg_object
from graders._sql_values import UNKNOWN, Val, concat, container, element, join

if TYPE_CHECKING:
    from graders._sql_exprs import Env, Frame

__all__ = ["CONST_INT", "CallRules"]

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
CONST_INT = Val(const=True)


class CallRules:
    """The call cases of :class:`~graders._sql_exprs.ExprEvaluator` (a mixin)."""

    imports: dict[str, str]

    # Implemented by the expression evaluator and the module analysis.
    def ev(self, node: ast.expr, env: Env, fr: Frame) -> Val:
        raise NotImplementedError

    def built_text(self, v: Val, node: ast.AST, fr: Frame) -> Val:
        raise NotImplementedError

    def _as_text(self, v: Val, node: ast.expr, how: str) -> Val:
        raise NotImplementedError

    def _check_sink(self, sink: Sink, call: ast.Call, env: Env, fr: Frame) -> None:
        raise NotImplementedError

    def call_function(
        self, key: str, call: ast.Call, args: list[Val], kwargs: dict[str, Val], fr: Frame
    ) -> Val | None:
        """The result of calling the module's function ``key`` (None: not one of them)."""
        raise NotImplementedError

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
            default = args[1] if len(args) > 1 else CONST_INT
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
            return CONST_INT if args and all(a.const for a in args) else UNKNOWN
        if name == "range":
            return container(CONST_INT)
        if name == "enumerate" and first is not None:
            return container(Val(const=element(first).const, items=(CONST_INT, element(first))))
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
