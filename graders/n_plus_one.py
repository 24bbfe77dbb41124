"""``n_plus_one``: rule "Never: ignore N+1 query patterns".

Flags, within each function:

- a query executed inside a loop (``for``/``async for``/comprehension) that iterates
  over the rows of an earlier query: ``for row in cur.execute(...)``, rows from
  ``fetchall()``/``await conn.fetch()``, ``session.scalars(...)``, ``.all()``, Django
  ``objects``, directly or through a variable, or through a same-sample helper function
  that runs a query (``get_customer(db, row.customer_id)`` in the loop counts too);
- a single-row lookup (``fetchone``/``fetchrow``/``scalar``/``first``/``get``...) per
  item of an input collection (``for r in rows: conn.execute(...).fetchone()`` in a bulk
  import), unless the function caps the collection (``if len(ids) > 20: raise``);
- a lazy load in a loop over query rows: attribute access on the loop variable to a
  relationship that the rows' model declares (SQLAlchemy ``relationship``/``backref``,
  Django ``ForeignKey``/``ManyToManyField``/``related_name``/``*_set``; backrefs belong
  to the target model, and a model inherits its bases' relationships). When the rows'
  model cannot be told (rows from a helper), a name counts when it is a relationship in
  every model declaring it. Unless the
  query uses
  ``selectinload``/``joinedload``/``subqueryload``/``contains_eager``/``select_related``/
  ``prefetch_related`` or the relationship is declared eager (``lazy="selectin"``, ...).

What a query is: :mod:`graders._n1_queries`. Loops over ``range()`` and multi-row
queries per item of an input list (a chunked ``executemany``) are not flagged. Test
files are not graded.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from evals.schema import Evidence, Grade
from graders._ast_util import Module, dotted, evidence, iter_scope, parse_or_verdict
from graders._base import GradeContext, StaticGrader
from graders._n1_queries import (
    QueryModel,
    has_eager,
    is_lookup,
    plain_attributes,
    query_label,
    query_model,
    relationship_map,
)
from graders._sources import isolate_unparsable

__all__ = ["NPlusOneGrader"]

_Fn = ast.FunctionDef | ast.AsyncFunctionDef
_Comp = ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp


@dataclass(frozen=True)
class _Rows:
    """Where a loop's rows come from."""

    line: int
    eager: bool
    #: The model the rows are (``session.query(User)``), ``""`` when unknown.
    model: str = ""


def _functions(module: Module) -> list[tuple[str, _Fn]]:
    out: list[tuple[str, _Fn]] = []
    for node in module.nodes:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, _Fn):
                    out.append((f"self.{item.name}", item))
    seen = {id(fn) for _, fn in out}
    out += [(n.name, n) for n in module.nodes if isinstance(n, _Fn) and id(n) not in seen]
    return out


def _query_helpers(modules: Sequence[Module]) -> dict[str, bool]:
    """Functions (``f``) and methods (``self.f``) that run a query -> do they load eagerly."""
    helpers: dict[str, bool] = {}
    for module in modules:
        for name, fn in _functions(module):
            model = QueryModel(set())
            nodes = module.scope(fn)
            _learn_bindings(model, nodes)
            if any(isinstance(n, ast.Call) and model.is_query(n) for n in nodes):
                helpers[name] = has_eager(fn.body)
    return helpers


def _learn_bindings(model: QueryModel, nodes: Iterable[ast.AST]) -> None:
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            model.bind(node.targets[0], node.value)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if item.optional_vars is not None:
                    model.bind(item.optional_vars, item.context_expr)


class _FunctionScan:
    """N+1 findings in one function body."""

    def __init__(
        self,
        module: Module,
        fn: _Fn,
        own: str,
        helpers: dict[str, bool],
        relations: dict[str, set[str]],
        plain: set[str],
    ) -> None:
        self.module, self.fn = module, fn
        self.helpers = {k: v for k, v in helpers.items() if k != own}
        self.relations = relations
        #: For rows of an unknown model: names that are a relationship wherever declared.
        self.any_relation = {n for names in relations.values() for n in names} - plain
        self.nodes = module.scope(fn)
        self.model = QueryModel(set())
        _learn_bindings(self.model, self.nodes)
        self.results: dict[str, tuple[int, bool, str]] = {}
        #: Every value assigned to each name: ``stmt = select(...).options(...)``.
        self.values: dict[str, list[ast.expr]] = {}
        for node in self.nodes:
            if isinstance(node, ast.Assign) and node.value is not None:
                for t in node.targets:
                    self.values.setdefault(dotted(t), []).append(node.value)
        for node in self.nodes:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                rows = self._rows(node.value, node.lineno)
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    if rows is not None and dotted(t):
                        self.results[dotted(t)] = (node.lineno, rows.eager, rows.model)

    def _runs_query(self, call: ast.Call) -> str:
        if self.model.is_query(call):
            return f"query {query_label(call)}()"
        name = dotted(call.func)
        return f"{name}() (runs a query)" if name in self.helpers else ""

    def _eager(self, expr: ast.expr) -> bool:
        names = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
        return has_eager([expr, *(v for n in names for v in self.values.get(n, []))])

    def _rows(self, expr: ast.expr, line: int) -> _Rows | None:
        if isinstance(expr, ast.Call) and dotted(expr.func) == "range":
            return None  # ``range(0, len(rows), 500)``: batches, not rows
        for node in ast.walk(expr):
            if isinstance(node, ast.Call) and self._runs_query(node):
                eager = self._eager(expr) or self.helpers.get(dotted(node.func), False)
                return _Rows(node.lineno, eager, query_model(node))
        for node in ast.walk(expr):
            name = dotted(node) if isinstance(node, ast.Name | ast.Attribute) else ""
            if name in self.results and self.results[name][0] < line:
                return _Rows(*self.results[name])
        return None

    def findings(self) -> list[Evidence]:
        out: dict[int, Evidence] = {}
        for node in self.nodes:
            if isinstance(node, ast.For | ast.AsyncFor):
                rows = self._rows(node.iter, node.lineno)
                body = [n for stmt in node.body for n in iter_scope(stmt)]
                if rows is not None:
                    self._loop(rows, node.target, body, out)
                else:
                    self._lookups(node.iter, body, out)
            elif isinstance(node, _Comp):
                elts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
                for gen in node.generators:
                    rows = self._rows(gen.iter, node.lineno)
                    if rows is not None:
                        parts = [*elts, *(c for g in node.generators for c in g.ifs)]
                        body = [n for p in parts for n in ast.walk(p)]
                        self._loop(rows, gen.target, body, out)
        return [out[line] for line in sorted(out)]

    def _lookups(self, iterable: ast.expr, body: list[ast.AST], out: dict[int, Evidence]) -> None:
        """Single-row lookups per item of an unbounded input collection (a bulk import)."""
        name = _collection(iterable)
        if not name or self._bounded(name):
            return
        for node in body:
            line = getattr(node, "lineno", 0)
            if line in out or not isinstance(node, ast.Call):
                continue
            if self.model.is_query(node) and is_lookup(node):
                message = (
                    f"lookup query {query_label(node)}() runs once per item of `{name}` (N+1); "
                    "resolve all keys with one query (WHERE key IN ...)"
                )
                out[line] = evidence(self.module, node, message)

    def _bounded(self, name: str) -> bool:
        """``if len(name) > LIMIT: raise``: a deliberately small, capped fan-out."""
        for node in self.nodes:
            if not isinstance(node, ast.If) or not any(
                isinstance(s, ast.Raise | ast.Return) for s in node.body
            ):
                continue
            for sub in ast.walk(node.test):
                is_len = isinstance(sub, ast.Call) and dotted(sub.func) == "len" and sub.args
                if is_len and isinstance(sub, ast.Call) and dotted(sub.args[0]) == name:
                    return True
        return False

    def _loop(
        self, rows: _Rows, target: ast.expr, body: list[ast.AST], out: dict[int, Evidence]
    ) -> None:
        loop_vars = {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        #: The first access to a row's relationship loads it; later ones reuse it.
        loaded: set[tuple[str, str]] = set()
        for node in body:
            line = getattr(node, "lineno", 0)
            if line in out:
                continue
            if isinstance(node, ast.Call) and (what := self._runs_query(node)):
                message = (
                    f"{what} runs once per row of the query at line {rows.line} (N+1); "
                    "fetch the related rows in one query (JOIN or WHERE ... IN)"
                )
                out[line] = evidence(self.module, node, message)
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in loop_vars
                and node.attr in self._relations_of(rows)
                and not rows.eager
                and (node.value.id, node.attr) not in loaded
            ):
                loaded.add((node.value.id, node.attr))
                message = (
                    f"lazy load of relationship `{node.attr}` on each row of the query at "
                    f"line {rows.line} (N+1); load it eagerly (selectinload/joinedload, "
                    "select_related/prefetch_related)"
                )
                out[line] = evidence(self.module, node, message)

    def _relations_of(self, rows: _Rows) -> set[str]:
        """Relationships of the rows' model; when it is unknown, the names that are a
        relationship in every model declaring them (``owner`` is a column somewhere)."""
        if rows.model and rows.model in self.relations:
            return self.relations[rows.model]
        return set() if rows.model else self.any_relation


def _collection(iterable: ast.expr) -> str:
    """The collection a loop walks (``rows`` for ``enumerate(rows)``), ``""`` if unknown."""
    if isinstance(iterable, ast.Call):
        func = dotted(iterable.func)
        if func in {"enumerate", "sorted", "reversed", "list", "tuple", "set"} and iterable.args:
            return _collection(iterable.args[0])
        return ""
    return dotted(iterable)


class NPlusOneGrader(StaticGrader):
    """Fails on queries (or lazy loads) per row of an earlier query; see the module doc."""

    name: ClassVar[str] = "n_plus_one"
    default_rules: ClassVar[tuple[str, ...]] = ("never-ignore-n-plus-one",)
    scope: ClassVar[Literal["all", "declared"]] = "declared"

    @isolate_unparsable()
    def check(self, ctx: GradeContext) -> list[Grade]:
        """Grade every non-test Python file of the sample as one grade."""
        rules = ctx.rule_ids or self.default_rules
        modules, early = parse_or_verdict(self.name, rules, ctx.files)
        if early:
            return early
        helpers = _query_helpers(modules)
        relations = relationship_map(modules)
        plain = plain_attributes(modules)
        found: list[Evidence] = []
        for module in modules:
            for own, fn in _functions(module):
                found += _FunctionScan(module, fn, own, helpers, relations, plain).findings()
        meta: dict[str, Any] = {
            "query_functions": len(helpers),
            "relationships": sorted({n for names in relations.values() for n in names}),
        }
        if not found:
            reason = "no query runs per row of an earlier query"
            return [self.make_grade(ctx, "pass", reason=reason, **meta)]
        first = found[0]
        reason = f"{len(found)} N+1 pattern(s); first {first.file}:{first.line}: {first.message}"
        return [
            self.make_grade(ctx, "fail", reason=reason, evidence=found, kind="n_plus_one", **meta)
        ]
