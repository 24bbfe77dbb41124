"""Which candidate files the static code graders read, parsed once.

Only non-test Python files count: a candidate's own tests may legitimately build SQL
strings or raise ``Exception`` in fixtures, and the rules are about the service code.
Skipped: ``test_*.py``, ``*_test.py``, ``conftest.py`` and anything under a ``tests/``
or ``test/`` directory.

A file that cannot be parsed is a :class:`ParseFailure` for that file only: the graders
grade every other file and add one ``error`` grade naming the unreadable ones
(:func:`graders._base.unparsable_grade`). Parsing goes through
:func:`graders._parse.parse_python`, which also reads syntax newer than the interpreter.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any, TypeVar

from evals.schema import Evidence, Grade
from graders._base import GradeContext, StaticGrader, error_grade
from graders._parse import ParseError, parse_python

__all__ = [
    "ParseFailure",
    "Source",
    "is_test_path",
    "is_test_support",
    "isolate_unparsable",
    "parse_sources",
]

_Check = TypeVar("_Check", bound=Callable[[Any, GradeContext], list[Grade]])


@dataclass(frozen=True)
class Source:
    """One parsed candidate file."""

    path: str
    text: str
    tree: ast.Module

    def line(self, lineno: int) -> str:
        """The stripped source line ``lineno`` (1-based), or ``""``."""
        lines = self.text.splitlines()
        return lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""


@dataclass(frozen=True)
class ParseFailure:
    """A candidate file that is not valid Python."""

    path: str
    reason: str
    line: int | None = None


def is_test_path(path: str) -> bool:
    """True for test modules and files under test directories."""
    p = PurePosixPath(path)
    name = p.name
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return True
    return any(part in ("tests", "test") for part in p.parts[:-1])


def is_test_support(path: str) -> bool:
    """A test file, or a module of a test-support package (``testing/``, ``acme_test/``,
    ``test_x/``: a project's fake plugins and fixtures for its tests).

    Only ``secrets_in_code`` uses this wider test (its name rules skip test code, key
    formats are still checked): the other graders would let service code hide in a
    package named like a test one.
    """
    parts = PurePosixPath(path).parts[:-1]
    return is_test_path(path) or any(
        part == "testing" or part.startswith("test_") or part.endswith("_test") for part in parts
    )


def parse_sources(
    files: Mapping[str, str], *, include_tests: bool = False
) -> tuple[list[Source], list[ParseFailure]]:
    """Parse every ``.py`` file in ``files`` (sorted by path), skipping tests by default."""
    sources: list[Source] = []
    failures: list[ParseFailure] = []
    for path in sorted(files):
        if not path.endswith(".py") or (not include_tests and is_test_path(path)):
            continue
        text = files[path]
        try:
            tree = parse_python(path, text)
        except ParseError as exc:
            failures.append(ParseFailure(path, str(exc), exc.line))
            continue
        sources.append(Source(path, text, tree))
    return sources, failures


def isolate_unparsable(*, include_tests: bool = False) -> Callable[[_Check], _Check]:
    """Decorate a static grader's ``check``: unparsable files are graded apart.

    The wrapped ``check`` sees the sample without the ``.py`` files that cannot be
    parsed; one extra ``error`` grade names each of them (file and line in its
    evidence). A sample whose every graded file is unreadable gets only that grade.
    Test files count only when ``include_tests`` (the grader reads them).
    """

    def decorate(check: _Check) -> _Check:
        @functools.wraps(check)
        def wrapper(self: Any, ctx: GradeContext) -> list[Grade]:
            graded = {
                p: t
                for p, t in ctx.files.items()
                if p.endswith(".py") and (include_tests or not is_test_path(p))
            }
            _, failures = parse_sources(graded, include_tests=True)
            bad = {f.path for f in failures}
            if not bad or len(graded) > len(bad):
                rest = replace(ctx, files={p: t for p, t in ctx.files.items() if p not in bad})
                try:
                    grades = check(self, rest)
                except RecursionError:  # a file nested too deeply for the analysis
                    deep = _too_deep(check, self, rest, [p for p in graded if p not in bad])
                    failures += deep
                    bad |= {f.path for f in deep}
                    rest = replace(ctx, files={p: t for p, t in ctx.files.items() if p not in bad})
                    grades = check(self, rest) if len(graded) > len(bad) else []
            else:
                grades = []
            if not failures:
                return grades
            rules = ctx.rule_ids or self.default_rules
            reason = f"{len(failures)} file(s) could not be parsed and were not graded: " + (
                "; ".join(f.reason for f in failures)
            )
            error = error_grade(self.name, rules, reason[:500])
            error.evidence = [
                Evidence(file=f.path, line=f.line, message=f.reason) for f in failures
            ]
            return [*grades, error]

        return wrapper  # type: ignore[return-value]

    return decorate


def _too_deep(
    check: _Check, grader: StaticGrader, ctx: GradeContext, paths: list[str]
) -> list[ParseFailure]:
    """The files among ``paths`` the grader cannot analyse alone (RecursionError)."""
    out = []
    for path in paths:
        try:
            check(grader, replace(ctx, files={path: ctx.files[path]}))
        except RecursionError:
            out.append(ParseFailure(path, f"{path}: nested too deeply to analyse"))
    return out
