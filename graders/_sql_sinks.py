"""Where SQL text goes: recognising sink calls and the argument that carries the SQL.

Sinks are recognised by the callee, resolved through the module's imports where the
name alone is ambiguous (``text`` must come from SQLAlchemy, ``SQL`` from psycopg).
Generically named methods (``execute``, ``fetch``...) count only when the receiver
looks like a database handle or the string's constant text looks like SQL, so an
HTTP client's ``fetch(f"https://...")`` is not a finding.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["QUERY_ROOTS", "Sink", "dotted_name", "find_sink", "import_map", "psycopg_object"]

#: Methods whose first argument is SQL text, on a receiver we must confirm is a DB handle.
_GENERIC_METHODS = frozenset(
    [
        "execute",
        "executemany",
        "execute_fetchall",
        "execute_insert",
        "fetch",
        "fetchrow",
        "fetchval",
        "cursor",
        "prepare",
        "copy_from_query",
        "mogrify",
        "copy",
        "stream",
        "raw",
        "run",
    ]
)
#: SQLAlchemy ``Query``/``Select`` methods that take raw SQL text when given a string.
_QUERY_TEXT_METHODS = frozenset(
    {"filter", "having", "order_by", "group_by", "distinct", "where", "from_statement"}
)
#: Methods starting a SQLAlchemy query chain (``session.query(...)``, ``Model.query``).
QUERY_ROOTS = frozenset({"query", "select", "select_from", "execution_options"})
#: Methods that take SQL text whatever the receiver is.
_STRONG_METHODS = frozenset({"executescript", "exec_driver_sql", "read_sql", "read_sql_query"})
_KWARG_NAMES = ("sql", "query", "statement", "operation", "stmt", "text")
_DB_RECEIVER = re.compile(
    r"(^|_)(cur|cursor|conn|connection|db|database|session|pool|engine|tx|txn|transaction|"
    r"sqlite|pg|psql|mysql|con)(_|\d|$)|^(cur|conn|db)\w*$",
    re.IGNORECASE,
)
_PSYCOPG_SAFE = frozenset({"Identifier", "Literal", "Placeholder", "Composed", "Composable"})


@dataclass(frozen=True)
class Sink:
    """A call that sends SQL text to the database (or builds an SQL object from text)."""

    name: str
    #: The expressions carrying SQL text (usually one).
    args: tuple[ast.expr, ...]
    #: Generic method on a receiver we could not confirm: require SQL-looking text.
    needs_hint: bool
    #: The call's result is an SQL object that is safe to pass on (text(), sql.SQL()).
    returns_sql_object: bool = False
    #: The argument is a whole SQL statement (not a clause fragment).
    takes_text: bool = True
    #: The call also passes bind parameters.
    binds: bool = False


def import_map(nodes: Iterable[ast.AST]) -> dict[str, str]:
    """Local name -> fully qualified name, for every import among ``nodes``."""
    out: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                out[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                out[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return out


def dotted_name(node: ast.expr, imports: dict[str, str]) -> str | None:
    """``sa.text`` -> ``sqlalchemy.text`` when ``sa`` is an import; None if not dotted."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(imports.get(node.id, node.id))
    return ".".join(reversed(parts))


def _receiver_name(node: ast.expr) -> str:
    while True:
        if isinstance(node, ast.Await):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            return node.attr
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return ""


def _sql_args(call: ast.Call, index: int = 0) -> tuple[ast.expr, ...]:
    if len(call.args) > index and not isinstance(call.args[index], ast.Starred):
        return (call.args[index],)
    for kw in call.keywords:
        if kw.arg in _KWARG_NAMES:
            return (kw.value,)
    return ()


#: ``QuerySet.extra(select, where, params, tables, order_by, select_params)``.
_EXTRA_POSITIONS = ("select", "where", "params", "tables", "order_by")


def _extra_args(call: ast.Call) -> tuple[ast.expr, ...]:
    named = [(kw.arg, kw.value) for kw in call.keywords]
    named += list(zip(_EXTRA_POSITIONS, call.args, strict=False))
    out: list[ast.expr] = []
    for arg, value in named:
        if arg in ("where", "tables", "order_by"):
            out.extend(value.elts if isinstance(value, ast.List | ast.Tuple) else [value])
        elif arg == "select":
            out.extend(value.values if isinstance(value, ast.Dict) else [value])
    return tuple(out)


def _binds(call: ast.Call, index: int = 0) -> bool:
    """True when ``call`` passes anything besides its SQL text (bind parameters)."""
    if len(call.args) > index + 1 or any(isinstance(a, ast.Starred) for a in call.args):
        return True
    return any(kw.arg not in _KWARG_NAMES for kw in call.keywords)


def _getattr_method(func: ast.expr) -> ast.expr:
    """``getattr(cur, "execute")`` read as ``cur.execute``."""
    if (
        isinstance(func, ast.Call)
        and isinstance(func.func, ast.Name)
        and func.func.id == "getattr"
        and len(func.args) >= 2
        and isinstance(func.args[1], ast.Constant)
        and isinstance(func.args[1].value, str)
        and func.args[1].value.isidentifier()
    ):
        return ast.Attribute(value=func.args[0], attr=func.args[1].value, ctx=ast.Load())
    return func


def _query_chain(node: ast.expr, imports: dict[str, str]) -> bool:
    """True when ``node`` is a SQLAlchemy query chain (``session.query(M).join(...)``)."""
    while True:
        if isinstance(node, ast.Call):
            qualified = dotted_name(node.func, imports) or ""
            if qualified.startswith(("sqlalchemy.", "sqlmodel.")) and qualified.endswith(
                (".select", ".Query")
            ):
                return True
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr == "objects":  # a Django manager: not SQLAlchemy
                return False
            if node.attr in QUERY_ROOTS:
                return True
            node = node.value
        else:
            return False


def psycopg_object(qualified: str | None) -> str | None:
    """``SQL`` or a safe composable name when ``qualified`` is psycopg's ``sql`` module."""
    if qualified is None:
        return None
    module, _, attr = qualified.rpartition(".")
    # ``sql`` unresolved by any import: psycopg's documented ``from psycopg import sql``.
    if module in ("psycopg.sql", "psycopg2.sql", "sql") and (
        attr == "SQL" or attr in _PSYCOPG_SAFE
    ):
        return attr
    return None


def find_sink(call: ast.Call, imports: dict[str, str], on_query: bool = False) -> Sink | None:
    """The sink ``call`` is, or None.

    ``on_query``: the dataflow knows the receiver is a SQLAlchemy query object.
    """
    func = _getattr_method(call.func)
    qualified = dotted_name(func, imports)
    label = ast.unparse(func)
    if qualified is not None:
        module, _, attr = qualified.rpartition(".")
        root = qualified.split(".")[0]
        if attr == "text" and root in ("sqlalchemy", "sqlmodel"):
            return Sink(label, _sql_args(call), needs_hint=False, returns_sql_object=True)
        if attr in ("literal_column", "text") and module.startswith("sqlalchemy"):
            return Sink(label, _sql_args(call), needs_hint=False, returns_sql_object=True)
        if psycopg_object(qualified) == "SQL":
            return Sink(label, _sql_args(call), needs_hint=False, returns_sql_object=True)
        if attr == "RawSQL" and root == "django":
            return Sink(label, _sql_args(call), needs_hint=False, returns_sql_object=True)
        if attr in ("read_sql", "read_sql_query") and root == "pandas":
            return Sink(label, _sql_args(call), needs_hint=False, binds=_binds(call))
        if attr in ("execute_values", "execute_batch") and root == "psycopg2":
            return Sink(label, _sql_args(call, 1), needs_hint=False, binds=True)
    if not isinstance(func, ast.Attribute):
        return None
    method = func.attr
    if method == "extra":
        args = _extra_args(call)
        return Sink(label, args, needs_hint=False, takes_text=False) if args else None
    if method in _QUERY_TEXT_METHODS and (on_query or _query_chain(func.value, imports)):
        args = tuple(a for a in call.args if not isinstance(a, ast.Starred))
        return Sink(label, args, needs_hint=False, takes_text=False) if args else None
    if method in _STRONG_METHODS:
        return Sink(label, _sql_args(call), needs_hint=False, binds=_binds(call))
    if method in _GENERIC_METHODS:
        args = _sql_args(call)
        if not args:
            return None
        db_like = bool(_DB_RECEIVER.search(_receiver_name(func.value)))
        return Sink(label, args, needs_hint=not db_like, binds=_binds(call))
    return None
