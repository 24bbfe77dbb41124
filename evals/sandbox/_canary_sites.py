"""Mutation sites and values for the canaries of :mod:`evals.sandbox.canary`.

A *site* is a constant leaf of the expected literal of an always-executed ``==`` assert;
a *family* holds the other values every test expecting one value may carry, drawn so
literal frequency does not say which value is real. A *flip site*, for a test with no
usable literal, is an always-executed assert whose condition can be negated in place
(``==``/``!=``, ``is``/``is not``, ``in``/``not in``, ``x``/``not x``): a run that passes
the test held the condition true there, so the same run with it negated fails.
"""

from __future__ import annotations

import ast
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

_SKIP_WITH = {"raises", "suppress", "RaisesExc", "RaisesGroup"}
Func = ast.FunctionDef | ast.AsyncFunctionDef
_N = TypeVar("_N")


def _literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is not None and node.value is not Ellipsis
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts) and all(_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        keys = [k for k in node.keys if k is not None]
        return bool(node.values) and len(keys) == len(node.keys) and all(map(_literal, keys))
    return False


def _leaves(node: ast.expr) -> list[ast.Constant]:
    return [
        n
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, (bool, int, float, str, bytes))
    ]


#: Per helper function of the file: its positional parameters, and those an
#: always-executed ``assert <param> == ...`` of its body checks (see :func:`checked_helpers`).
Helpers = Mapping[str, tuple[list[str], set[str]]]


def checked_helpers(tree: ast.Module) -> dict[str, tuple[list[str], set[str]]]:
    """Module-level non-test functions whose parameters their own asserts compare.

    ``assert_error(response, 404, "not_found")`` is a site when ``assert_error`` runs
    ``assert response.status_code == status`` unconditionally and never rebinds ``status``:
    a passing call held that equality, so the same call with another literal fails.
    """
    out: dict[str, tuple[list[str], set[str]]] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("test"):
            continue
        params = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
        stored = {
            n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        checked = set()
        for stmt in flip_sites(node.body):
            test = stmt.test
            if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
                test = test.values[0]  # the first operand of an ``and`` always runs
            if (
                isinstance(test, ast.Compare)
                and len(test.ops) == 1
                and isinstance(test.ops[0], ast.Eq)
            ):
                for side in (test.left, test.comparators[0]):
                    if isinstance(side, ast.Name) and side.id in params and side.id not in stored:
                        checked.add(side.id)
        if checked:
            out[node.name] = (params, checked)
    return out


def _helper_args(stmt: ast.stmt, helpers: Helpers) -> list[ast.expr]:
    """The literal arguments of a helper call statement that the helper checks."""
    call = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        return []
    if call.func.id not in helpers or any(isinstance(a, ast.Starred) for a in call.args):
        return []
    params, checked = helpers[call.func.id]
    named = dict(zip(params, call.args, strict=False))
    named |= {k.arg: k.value for k in call.keywords if k.arg}
    return [named[p] for p in params if p in checked and p in named and _literal(named[p])]


def mutation_sites(body: Sequence[ast.stmt], helpers: Helpers | None = None) -> list[ast.Constant]:
    """Constant leaves of the expected literal of every always-executed ``==`` assert
    (and of every literal a checked helper call passes, see :func:`checked_helpers`)."""
    found: list[ast.Constant] = []
    for stmt in body:
        if isinstance(stmt, ast.Assert) and isinstance(stmt.test, ast.Compare):
            test = stmt.test
            if len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
                left, right = test.left, test.comparators[0]
                if _literal(right) != _literal(left):
                    found += _leaves(right if _literal(right) else left)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            names = {ast.unparse(i.context_expr).split("(")[0].split(".")[-1] for i in stmt.items}
            if not names & _SKIP_WITH:
                found += mutation_sites(stmt.body, helpers)
        elif helpers:
            for arg in _helper_args(stmt, helpers):
                found += _leaves(arg)
    return found


_FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}


def _always_run(stmt: ast.stmt) -> list[ast.stmt] | None:
    """The statements a passing run of ``stmt`` executed for sure, when it nests any."""
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        names = {ast.unparse(i.context_expr).split("(")[0].split(".")[-1] for i in stmt.items}
        return None if names & _SKIP_WITH else stmt.body  # raises: the body may stop early
    if isinstance(stmt, (ast.For, ast.AsyncFor)) and not stmt.orelse:
        literal = isinstance(stmt.iter, (ast.Tuple, ast.List)) and stmt.iter.elts
        return stmt.body if literal else None  # a loop over a literal runs at least once
    return None


def flip_sites(body: Sequence[ast.stmt]) -> list[ast.Assert]:
    """Always-executed asserts whose condition :func:`negate` can turn around.

    Ordered comparisons (``<``, ``>=``, chains) are left out: they are where tests bound
    timings, so a loaded run may pass a test and, a moment later, its negation.
    """
    found: list[ast.Assert] = []
    for stmt in body:
        if isinstance(stmt, ast.Assert):
            test = stmt.test
            if not isinstance(test, ast.Compare) or (
                len(test.ops) == 1 and type(test.ops[0]) in _FLIPS
            ):
                found.append(stmt)
            continue
        nested = _always_run(stmt)
        if nested is not None:
            found += flip_sites(nested)
    return found


def negate(test: ast.expr) -> ast.expr:
    """``test`` turned around in the way its author would have written the opposite."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _FLIPS:
        op = _FLIPS[type(test.ops[0])]()
        return ast.Compare(left=test.left, ops=[op], comparators=test.comparators)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand
    return ast.UnaryOp(op=ast.Not(), operand=test)


def flipped(func: Func, site: int) -> Func:
    """A copy of ``func`` with its ``site``-th flip site negated."""
    out = clone(func)
    stmt = flip_sites(out.body)[site]
    stmt.test = negate(stmt.test)
    return out


def constants(node: ast.AST, skip: frozenset[int] | set[int] = frozenset()) -> Counter[Any]:
    return Counter(
        (type(n.value), n.value)
        for n in ast.walk(node)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, (int, float, str, bytes))
        and id(n) not in skip
    )


def freq_bin(inside: int, outside: int) -> tuple[int, int]:
    """Frequency class: (count in the test up to 2, count elsewhere: 0, 1-2, 3-6, 7+)."""
    return min(inside, 2), (0, 1, 1, 2, 2, 2, 2, 3)[min(outside, 7)]


def _step(value: int) -> int:
    text = str(value)
    return 10 ** (len(text) - len(text.rstrip("0"))) if value else 1


def _window(value: int, size: int, rng: random.Random, exists: set[Any]) -> list[int]:
    """``size`` values of ``value``'s shape in a run containing it, at a random place.

    Every member of the run is equally likely to be the real one (away from zero),
    so the run does not point at its centre.
    """
    step = _step(value)

    def ok(v: int) -> bool:  # made up: not a value the file already holds
        if v == value:
            return True
        return v >= 0 and v not in exists and (step == 1 or (v > 0 and _step(v) == step))

    starts = [value - p * step for p in range(size)]
    starts = [a for a in starts if all(ok(a + i * step) for i in range(size))]
    if not starts:
        return []
    start = rng.choice(starts)
    return [start + i * step for i in range(size) if start + i * step != value]


@dataclass
class Family:
    """The classes of every expected test whose site holds one value in one bin.

    Tests that expect the same value get the same other values: a value offered in
    every group is otherwise the real one.
    """

    value: Any
    pool: list[Any]  # same type, same frequency bin, in random order
    fresh: bool  # an int found nowhere else: made-up values of its shape
    exists: set[Any]  # the file's ints (a made-up value must not be one)
    wanted: int = 0
    values: list[Any] = field(default_factory=list)

    @property
    def room(self) -> int:
        return 3 if self.fresh else len(self.pool)

    def settle(self, rng: random.Random) -> None:
        """Draw the values (uniformly: no value is nearer the real one than another)."""
        size = self.wanted
        drawn = _window(self.value, size + 1, rng, self.exists) if self.fresh else self.pool
        self.values = drawn[:size]


@dataclass
class Group:
    """One expected test, the site its classes differ at, and its family."""

    func: Func
    site: int
    family: Family
    helpers: Helpers

    def values(self, taken: set[str]) -> list[Any]:
        """The family's values, less any that would copy another real test."""
        return [v for v in self.family.values if body_of(self.build(v)) not in taken]

    def build(self, value: Any) -> Func:
        return variant(self.func, self.site, value, self.helpers)


@dataclass
class FlipGroup:
    """One expected test with no usable literal: it and its negation at one flip site."""

    func: Func
    site: int
    family: None = None

    def values(self, taken: set[str]) -> list[Any]:
        return [] if body_of(flipped(self.func, self.site)) in taken else [self.site]

    def build(self, value: Any) -> Func:
        return flipped(self.func, value)


def pool_of(value: Any, same_bin: list[Any], rng: random.Random) -> list[Any]:
    """The other values a site holding ``value`` may carry, in random order.

    ``same_bin`` are the file's literals of ``value``'s type in its frequency bin
    (:func:`freq_bin`). The draw is uniform within the bin, so for every value of the bin the
    others are an equally likely draw: a forger cannot tell the real value by which
    values came with it.
    """
    if isinstance(value, bool):
        return [not value]
    pool = [v for v in same_bin if v != value]
    if isinstance(value, (str, bytes)):  # lengths alike (a symmetric test)
        pool = [
            v
            for v in pool
            if v.strip() and abs(len(v) - len(value)) <= 4 + min(len(v), len(value)) // 2
        ]
    rng.shuffle(pool)
    return pool


def body_of(func: Func) -> str:
    return ast.dump(ast.Module(body=func.body, type_ignores=[]))


def clone(node: _N) -> _N:
    """A deep copy of an AST subtree: ``copy.deepcopy`` without its memo and reduce
    protocol (AST nodes hold only nodes, lists of them and immutable constants);
    about half the planting cost of a sample was deep copies."""
    if isinstance(node, ast.AST):
        new = node.__class__.__new__(node.__class__)
        new.__dict__.update({k: clone(v) for k, v in node.__dict__.items()})
        return new
    if isinstance(node, list):
        return [clone(item) for item in node]  # type: ignore[return-value]
    return node


def variant(func: Func, site: int, value: Any, helpers: Helpers | None = None) -> Func:
    out = clone(func)
    mutation_sites(out.body, helpers)[site].value = value
    return out
