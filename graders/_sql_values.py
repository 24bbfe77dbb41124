"""Abstract values for the SQL dataflow analysis.

A :class:`Val` describes what is known about a Python value as far as SQL text is
concerned: whether it is a constant, where non-constant data entered string text
(``taints``), whether it was built from constants by string operations (``built``,
the ``style`` severity), whether it is an SQL object that is safe by construction
(psycopg ``Composed``, a SQLAlchemy clause), and, for containers, what their elements
are. Values from function parameters remember the parameter so that a helper's
result can be refined at each call site.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace

__all__ = [
    "UNKNOWN",
    "Origin",
    "Val",
    "concat",
    "const_str",
    "container",
    "element",
    "interp",
    "join",
    "join_all",
    "sql_shaped",
    "without_param_taints",
]

#: Constant text that looks like SQL (used to confirm generically named sinks).
_SQL_HINT = re.compile(
    r"\b(select|insert\s+into|update|delete\s+from|where|values|create\s+(table|index)|"
    r"drop\s+table|alter\s+table|pragma|order\s+by|group\s+by|limit|offset|join|returning|"
    r"set\s+search_path|truncate|from)\b",
    re.IGNORECASE,
)


#: SQL keywords looked for in constant text; :func:`sql_shaped` combines them.
_SQL_KEYWORDS = re.compile(
    r"\b(select|from|insert\s+into|update|set|delete\s+from|where|values|order\s+by|"
    r"group\s+by|having|join|create\s+(?:table|index|view)|drop\s+(?:table|index|view)|"
    r"alter\s+table|truncate\s+table|limit)\b",
    re.IGNORECASE,
)


def _keywords(text: str) -> frozenset[str]:
    return frozenset(" ".join(m.lower().split()) for m in _SQL_KEYWORDS.findall(text))


def sql_shaped(kw: frozenset[str]) -> bool:
    """True when constant text with keywords ``kw`` reads as an SQL statement or clause.

    Stricter than the hint used to confirm a sink: text built from data is a finding
    on its own (executed or not) only when it is recognisably SQL, so that messages
    such as ``f"Could not update {name}"`` are not.
    """
    return bool(
        {"select", "from"} <= kw
        or {"update", "set"} <= kw
        or kw & {"insert into", "delete from", "order by", "group by", "having"}
        or ("where" in kw and bool(kw & {"from", "select", "update", "delete from"}))
        or any(k.startswith(("create ", "drop ", "alter ", "truncate ")) for k in kw)
    )


@dataclass(frozen=True)
class Origin:
    """A source location where something entered (or was built into) SQL text."""

    line: int
    col: int
    what: str
    #: The function parameter the data came from, if it is exactly a parameter.
    param: str | None = None


@dataclass(frozen=True)
class Val:
    """What the analysis knows about one value (see module docstring)."""

    const: bool = False
    is_str: bool = False
    taints: tuple[Origin, ...] = ()
    built: Origin | None = None
    hint: bool = False
    safe: bool = False
    elem: Val | None = None
    keys: Val | None = None
    items: tuple[Val, ...] | None = None
    param: str | None = None
    #: SQL keywords in the constant text this value was built from (see :func:`sql_shaped`).
    kw: frozenset[str] = frozenset()
    #: A ``string.Template`` (its ``substitute`` builds text).
    template: bool = False
    #: A SQLAlchemy query object (its ``filter``/``order_by``... take SQL text).
    query: bool = False

    @property
    def stringy(self) -> bool:
        """True when this value is known (or very likely) to be text."""
        return self.is_str or bool(self.taints) or self.built is not None or self.hint


UNKNOWN = Val()


def const_str(text: str) -> Val:
    return Val(const=True, is_str=True, hint=bool(_SQL_HINT.search(text)), kw=_keywords(text))


def container(
    elem: Val | None, *, keys: Val | None = None, items: tuple[Val, ...] | None = None
) -> Val:
    """A list/tuple/set/dict value; constant when every element (and key) is."""
    # An empty container (no element value yet) is constant: it contributes no text.
    const = all(v.const for v in (elem, keys) if v is not None)
    return Val(const=const, elem=elem, keys=keys, items=items)


def element(v: Val) -> Val:
    """The value of one element when iterating ``v``."""
    if v.elem is not None:
        return v.elem
    if v.keys is not None:
        return v.keys
    if v.const:
        return Val(const=True, is_str=v.is_str, hint=v.hint, kw=v.kw)
    if v.taints:
        return Val(is_str=True, taints=v.taints, hint=v.hint, kw=v.kw)
    return UNKNOWN


def _merge_origins(a: tuple[Origin, ...], b: tuple[Origin, ...]) -> tuple[Origin, ...]:
    if not b:
        return a
    if not a:
        return b
    seen = set(a)
    return a + tuple(o for o in b if o not in seen)


def _join_opt(a: Val | None, b: Val | None) -> Val | None:
    if a is None:
        return b
    if b is None:
        return a
    return join(a, b)


def join(a: Val, b: Val) -> Val:
    """Merge two possible values of one variable (branches, loop iterations)."""
    if a is b:
        return a
    items = None
    if a.items is not None and b.items is not None and len(a.items) == len(b.items):
        items = tuple(join(x, y) for x, y in zip(a.items, b.items, strict=True))
    return Val(
        const=a.const and b.const,
        is_str=a.is_str or b.is_str,
        taints=_merge_origins(a.taints, b.taints),
        built=a.built or b.built,
        hint=a.hint or b.hint,
        safe=a.safe and b.safe,
        elem=_join_opt(a.elem, b.elem),
        keys=_join_opt(a.keys, b.keys),
        items=items,
        param=a.param if a.param == b.param else None,
        kw=a.kw | b.kw,
        template=a.template and b.template,
        query=a.query and b.query,
    )


def join_all(vals: list[Val]) -> Val | None:
    out: Val | None = None
    for v in vals:
        out = _join_opt(out, v)
    return out


def _describe(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."


def interp(v: Val, node: ast.AST, how: str) -> Val:
    """The contribution of value ``v`` placed into string text at ``node`` by ``how``."""
    if v.const:
        return Val(const=True, is_str=True, hint=v.hint, built=v.built, kw=v.kw)
    if v.taints:
        return Val(is_str=True, taints=v.taints, hint=v.hint, built=v.built, kw=v.kw)
    if v.elem is not None and v.elem.taints and v.items is None:
        return Val(is_str=True, taints=v.elem.taints, hint=v.elem.hint, kw=v.elem.kw)
    origin = Origin(
        line=getattr(node, "lineno", 0),
        col=getattr(node, "col_offset", 0),
        what=f"non-constant `{_describe(node)}` enters SQL text via {how}",
        param=v.param,
    )
    return Val(is_str=True, taints=(origin,), hint=v.hint)


def concat(parts: list[Val], node: ast.AST, how: str) -> Val:
    """Text built from ``parts`` (already passed through :func:`interp`) by ``how``."""
    taints: tuple[Origin, ...] = ()
    built: Origin | None = None
    kw: frozenset[str] = frozenset()
    for p in parts:
        taints = _merge_origins(taints, p.taints)
        built = built or p.built
        kw |= p.kw
    here = Origin(getattr(node, "lineno", 0), getattr(node, "col_offset", 0), f"SQL built by {how}")
    return Val(
        const=all(p.const for p in parts),
        is_str=True,
        taints=taints,
        built=built or here,
        hint=any(p.hint for p in parts),
        kw=kw,
    )


def without_param_taints(v: Val, constant_params: set[str]) -> Val:
    """Drop taints that came from parameters the caller bound to constants."""
    if not constant_params:
        return v
    kept = tuple(o for o in v.taints if o.param not in constant_params)
    elem = without_param_taints(v.elem, constant_params) if v.elem is not None else None
    if kept == v.taints and elem is v.elem:
        return v
    return replace(
        v, taints=kept, const=v.const or (not kept and v.is_str and v.built is not None), elem=elem
    )
