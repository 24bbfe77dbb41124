"""Shared plumbing for the AST rule graders: parsing once, import resolution, evidence.

The service-code graders (``async_blocking``, ``n_plus_one``, ``input_validation``,
``structured_logging`` and the name rules of ``secrets_in_code``) skip the candidate's
own test files: ``test_*.py``, ``*_test.py``, ``conftest.py`` and anything under a
``tests/`` or ``test/`` folder. Parsed trees are cached by file text, so a sample that
several graders read is parsed once per process.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from evals.schema import Evidence, Grade
from graders._base import error_grade, skipped_grade
from graders._parse import ParseError, parse_python
from graders._sources import is_test_path

__all__ = [
    "Module",
    "ParseProblem",
    "call_name",
    "clear_caches",
    "dotted",
    "evidence",
    "is_test_path",
    "iter_scope",
    "looks_like_db",
    "parse_modules",
    "parse_or_verdict",
    "walk",
]


@dataclass(frozen=True)
class ParseProblem:
    """A candidate file that is not valid Python."""

    path: str
    reason: str


@dataclass(frozen=True)
class Module:
    """One parsed candidate file and its import table."""

    path: str
    text: str
    tree: ast.Module
    #: Local name -> fully qualified name (``sleep`` -> ``time.sleep``, ``rq`` -> ``requests``).
    imports: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def nodes(self) -> list[ast.AST]:
        """Every node of the tree (one walk, shared by all graders reading this module)."""
        return walk(self.tree)

    @cached_property
    def _scopes(self) -> dict[int, list[ast.AST]]:
        return {}

    def scope(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
        """:func:`iter_scope` of ``fn``'s body, computed once."""
        found = self._scopes.get(id(fn))
        if found is None:
            found = self._scopes[id(fn)] = list(iter_scope(fn.body))
        return found

    def line(self, lineno: int) -> str:
        """The stripped source line ``lineno`` (1-based), or ``""``."""
        lines = _lines(self.text)
        return lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""

    def qualify(self, node: ast.expr) -> str:
        """The dotted name of ``node`` with its import alias resolved (``""`` if none)."""
        name = dotted(node)
        if not name:
            return ""
        head, _, rest = name.partition(".")
        base = self.imports.get(head)
        if base is None:
            return name
        return f"{base}.{rest}" if rest else base


@lru_cache(maxsize=4096)
def _lines(text: str) -> list[str]:
    return text.splitlines()


def walk(node: ast.AST) -> list[ast.AST]:
    """Every node under ``node`` (itself first), breadth first, like ``ast.walk``.

    About twice as fast as ``list(ast.walk(node))``: it reads ``_fields`` directly.
    """
    out = [node]
    append = out.append
    i = 0
    while i < len(out):
        current = out[i]
        i += 1
        for name in current._fields:
            value = getattr(current, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        append(item)
            elif isinstance(value, ast.AST):
                append(value)
    return out


def _import_table(nodes: list[ast.AST]) -> dict[str, str]:
    table: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    table[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    table[head] = head
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                table[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return table


#: Parsed modules kept per process: a whole repository (``evals check``) fits, so the
#: graders that read one tree after another parse and walk each file once.
PARSE_CACHE_SIZE = 4096


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse(path: str, text: str) -> Module | ParseProblem:
    try:
        tree = parse_python(path, text)
    except ParseError as exc:
        return ParseProblem(path, str(exc))
    nodes = walk(tree)
    module = Module(path, text, tree, _import_table(nodes))
    module.__dict__["nodes"] = nodes  # fill the cached property
    return module


def clear_caches() -> None:
    """Forget parsed trees (benchmarks measure a cold parse per sample)."""
    _parse.cache_clear()
    _lines.cache_clear()
    parse_python.cache_clear()


def parse_modules(
    files: Mapping[str, str], *, include_tests: bool = False
) -> tuple[list[Module], list[ParseProblem]]:
    """Parse the ``.py`` files of a sample (sorted by path), skipping tests by default."""
    modules: list[Module] = []
    problems: list[ParseProblem] = []
    for path in sorted(files):
        if not path.endswith(".py") or (not include_tests and is_test_path(path)):
            continue
        parsed = _parse(path, files[path])
        if isinstance(parsed, ParseProblem):
            problems.append(parsed)
        else:
            modules.append(parsed)
    return modules, problems


def parse_or_verdict(
    grader: str, rules: tuple[str, ...], files: Mapping[str, str]
) -> tuple[list[Module], list[Grade]]:
    """Parse a sample's service modules, or return the grade that ends grading early.

    An unparsable file is an ``error`` grade (never a silent pass); a sample with no
    non-test Python file is ``skipped``. Otherwise the grade list is empty.
    """
    modules, problems = parse_modules(files)
    if problems:
        return [], [error_grade(grader, rules, "; ".join(p.reason for p in problems))]
    if not modules:
        return [], [skipped_grade(grader, rules, "no non-test Python files to grade")]
    return modules, []


_DB_NAME = re.compile(
    r"^_*(?:db|database|conn|connection|con|cur|cursor|curs|session|sess|tx|txn|pool"
    r"|engine|uow|dbsession|db_session|async_session)$"
    r"|_(?:db|conn|connection|cursor|cur|session|pool)$"
)


def looks_like_db(name: str) -> bool:
    """A name conventionally bound to a DB connection, cursor or session (``self._conn``)."""
    return bool(_DB_NAME.search(name.rsplit(".", 1)[-1].lower()))


def dotted(node: ast.expr) -> str:
    """``a.b.c`` for a Name/Attribute chain, ``""`` for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


def call_name(call: ast.Call) -> str:
    """The called attribute or function name: ``execute`` for ``cur.execute(...)``."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def iter_scope(nodes: list[ast.stmt] | ast.AST) -> Iterator[ast.AST]:
    """Walk nodes depth first, in source order, skipping nested functions, lambdas
    and classes (neither they nor their bodies are yielded)."""
    stack: list[ast.AST] = list(nodes) if isinstance(nodes, list) else [nodes]
    stack.reverse()
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        yield node
        children: list[ast.AST] = []
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                children.extend(
                    v for v in value if isinstance(v, ast.AST) and not isinstance(v, _SCOPES)
                )
            elif isinstance(value, ast.AST) and not isinstance(value, _SCOPES):
                children.append(value)
        for child in reversed(children):
            push(child)


def evidence(module: Module, node: ast.AST, message: str) -> Evidence:
    """Evidence pointing at ``node`` in ``module`` (1-based line and column)."""
    line = getattr(node, "lineno", None)
    col = getattr(node, "col_offset", None)
    return Evidence(
        file=module.path,
        line=line,
        col=col + 1 if col is not None else None,
        snippet=module.line(line) if line else None,
        message=message,
    )
