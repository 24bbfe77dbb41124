"""What counts as a database query, for ``n_plus_one``.

A query is a call chain rooted at a database object that calls a query method:
``cur.execute(...)``, ``await conn.fetch(...)``, ``session.scalars(select(U))``,
``session.query(U).filter(...).all()``, ``User.objects.filter(...)`` (Django) or
``User.query.filter_by(...)`` (Flask-SQLAlchemy). Database objects are recognised by
name (``db``, ``conn``, ``cursor``, ``session``, ``pool``, ``self.db``, ``*_conn``, ...)
or by being bound from ``.cursor()``/``.connect()``/``.acquire()``/``Session(...)``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from graders._ast_util import Module, dotted, looks_like_db

__all__ = [
    "EAGER_CALLS",
    "QueryModel",
    "has_eager",
    "is_lookup",
    "query_label",
    "query_model",
    "plain_attributes",
    "relationship_map",
    "relationship_names",
]

QUERY_METHODS = {
    "execute", "executemany", "fetch", "fetchrow", "fetchval", "fetchone", "fetchall",
    "fetchmany", "scalars", "scalar", "scalar_one", "scalar_one_or_none", "query", "get",
    "raw", "filter", "filter_by", "all", "first", "one", "one_or_none", "count", "exists",
    "values", "values_list", "aggregate", "get_or_none", "find", "find_one", "exec",
}  # fmt: skip
EAGER_CALLS = {
    "selectinload", "joinedload", "subqueryload", "contains_eager", "immediateload",
    "select_related", "prefetch_related", "raiseload",
}  # fmt: skip
_BINDERS = {"cursor", "connect", "acquire", "Session", "begin", "SessionLocal", "transaction"}
_RELATION_CALLS = {"relationship", "ForeignKey", "OneToOneField", "ManyToManyField"}
_EAGER_LAZY = {"selectin", "joined", "subquery", "immediate", "raise", "raise_on_sql", "noload"}


def _chain(expr: ast.expr) -> tuple[ast.expr, list[str], list[ast.Call]]:
    """Root expression, attribute names and calls along ``a.b(...).c(...)``."""
    attrs: list[str] = []
    calls: list[ast.Call] = []
    while True:
        if isinstance(expr, ast.Await):
            expr = expr.value
        elif isinstance(expr, ast.Call):
            calls.append(expr)
            expr = expr.func
        elif isinstance(expr, ast.Attribute):
            attrs.append(expr.attr)
            expr = expr.value
        elif isinstance(expr, ast.Subscript):
            expr = expr.value
        else:
            return expr, attrs, calls


#: Query methods that look up one row (or value) by key.
LOOKUP_METHODS = {"fetchone", "fetchrow", "fetchval", "scalar", "scalar_one",
                  "scalar_one_or_none", "first", "one", "one_or_none", "get"}  # fmt: skip


def is_lookup(call: ast.Call) -> bool:
    """Whether the query chain ends in a single-row lookup (``.fetchone()``, ``.get``...)."""
    _, attrs, _ = _chain(call)
    return bool(set(attrs) & LOOKUP_METHODS)


def query_model(call: ast.Call) -> str:
    """The model a query's rows are: ``User`` for ``session.query(User)...``,
    ``select(User)``, ``User.query...`` or ``User.objects...`` (``""`` if unknown)."""
    root, attrs, calls = _chain(call)
    if isinstance(root, ast.Name) and root.id[:1].isupper() and {"objects", "query"} & set(attrs):
        return root.id
    for c in [call, *calls, *(n for n in ast.walk(call) if isinstance(n, ast.Call))]:
        name = dotted(c.func).rsplit(".", 1)[-1]
        if name in ("query", "select", "scalars") and c.args:
            first = c.args[0]
            if isinstance(first, ast.Name) and first.id[:1].isupper():
                return first.id
    return ""


def query_label(call: ast.Call) -> str:
    """``conn.execute().fetchone`` for a query call chain (arguments elided)."""
    root, attrs, _ = _chain(call)
    head = dotted(root) or type(root).__name__.lower()
    return ".".join([head, *reversed(attrs)])


def has_eager(nodes: Iterable[ast.AST]) -> bool:
    """Whether any node holds an eager-loading option (``selectinload``, ...)."""
    for top in nodes:
        for node in ast.walk(top):
            if isinstance(node, ast.Call) and dotted(node.func).rsplit(".", 1)[-1] in EAGER_CALLS:
                return True
    return False


def _target_model(call: ast.Call) -> str:
    """``Other`` for ``relationship("Other")``/``ForeignKey(Other)`` (``""`` if unknown)."""
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value.rsplit(".", 1)[-1]
    return dotted(first).rsplit(".", 1)[-1] if first is not None else ""


def relationship_map(modules: Iterable[Module]) -> dict[str, set[str]]:
    """Model class -> its lazily loaded relationship attributes, across ``modules``.

    A ``backref``/``related_name`` (and Django's ``<model>_set``) belongs to the *target*
    model; a model inherits its base classes' relationships.
    """
    out: dict[str, set[str]] = {}
    bases: dict[str, list[str]] = {}
    for module in modules:
        for cls in module.nodes:
            if isinstance(cls, ast.ClassDef):
                bases[cls.name] = [dotted(b).rsplit(".", 1)[-1] for b in cls.bases]
                for name, target, reverse in _relations(cls):
                    out.setdefault(cls.name, set()).add(name)
                    if target and reverse:
                        out.setdefault(target, set()).update(reverse)
    for model in list(bases):
        seen: set[str] = set()
        todo = list(bases[model])
        while todo:
            base = todo.pop()
            if base in seen:
                continue
            seen.add(base)
            out.setdefault(model, set()).update(out.get(base, ()))
            todo.extend(bases.get(base, []))
    return {m: names for m, names in out.items() if names}


def plain_attributes(modules: Iterable[Module]) -> set[str]:
    """Class attributes assigned anything but a relationship (columns, fields, constants)."""
    out: set[str] = set()
    for module in modules:
        for cls in module.nodes:
            if not isinstance(cls, ast.ClassDef):
                continue
            relations = {name for name, _, _ in _relations(cls)}
            for stmt in cls.body:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else []
                if isinstance(stmt, ast.AnnAssign):
                    targets = [stmt.target]
                names = {t.id for t in targets if isinstance(t, ast.Name)}
                out.update(names - relations)
    return out


def relationship_names(modules: Iterable[Module]) -> set[str]:
    """Every lazily loaded relationship attribute declared by ORM models in ``modules``."""
    return {n for names in relationship_map(modules).values() for n in names}


def _relations(cls: ast.ClassDef) -> Iterable[tuple[str, str, set[str]]]:
    """``(attribute, target model, reverse names)`` for each lazy relationship of ``cls``."""
    for stmt in cls.body:
        target = value = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            target, value = stmt.target, stmt.value
        if not isinstance(target, ast.Name) or not isinstance(value, ast.Call):
            continue
        func = dotted(value.func).rsplit(".", 1)[-1]
        if func not in _RELATION_CALLS:
            continue  # SQLAlchemy FK *columns* are Column(...)/mapped_column(...)
        kws = {k.arg: k.value for k in value.keywords if k.arg}
        lazy = kws.get("lazy")
        if isinstance(lazy, ast.Constant) and lazy.value in _EAGER_LAZY:
            continue
        reverse: set[str] = set()
        for key in ("backref", "related_name"):
            ref = kws.get(key)
            if isinstance(ref, ast.Call) and ref.args:  # backref("name", lazy=...)
                ref = ref.args[0]
            if isinstance(ref, ast.Constant) and isinstance(ref.value, str):
                reverse.add(ref.value)
        if func in {"ForeignKey", "OneToOneField", "ManyToManyField"}:
            reverse.add(f"{cls.name.lower()}_set")
        yield target.id, _target_model(value), reverse


@dataclass
class QueryModel:
    """Per-function knowledge of which names are database objects."""

    db_names: set[str]

    def is_db(self, expr: ast.expr) -> bool:
        name = dotted(expr)
        if not name:
            return False
        last = name.rsplit(".", 1)[-1]
        return name in self.db_names or looks_like_db(last)

    def bind(self, target: ast.expr, value: ast.expr) -> None:
        """Learn ``target`` is a database object if ``value`` opens one."""
        root, attrs, calls = _chain(value)
        name = dotted(target)
        if not name:
            return
        called = dotted(calls[-1].func).rsplit(".", 1)[-1] if calls else ""
        if (attrs and attrs[0] in _BINDERS) or called in _BINDERS:
            self.db_names.add(name)

    def is_query(self, call: ast.Call) -> bool:
        """Whether ``call`` runs a query (see the module docstring)."""
        root, attrs, calls = _chain(call)
        model = isinstance(root, ast.Name) and root.id[:1].isupper()
        if model and ("objects" in attrs or "query" in attrs):  # Django / Flask-SQLAlchemy
            return bool(set(attrs) & QUERY_METHODS)
        if not self.is_db(root) or not set(attrs) & QUERY_METHODS:
            return False
        if set(attrs) & QUERY_METHODS == {"get"}:
            # ``session.get(User, id)`` is a query; Flask's ``session.get("user_id")`` is not.
            first = calls[-1].args[0] if calls and calls[-1].args else None
            return isinstance(first, ast.Name | ast.Attribute) and dotted(first)[:1].isupper()
        return True
