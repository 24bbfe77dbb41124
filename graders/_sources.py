"""Which candidate files the static code graders read, parsed once.

Only non-test Python files count: a candidate's own tests may legitimately build SQL
strings or raise ``Exception`` in fixtures, and the rules are about the service code.
Skipped: ``test_*.py``, ``*_test.py``, ``conftest.py`` and anything under a ``tests/``
or ``test/`` directory.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

__all__ = ["ParseFailure", "Source", "is_test_path", "parse_sources"]


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


def is_test_path(path: str) -> bool:
    """True for test modules and files under test directories."""
    p = PurePosixPath(path)
    name = p.name
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return True
    return any(part in ("tests", "test") for part in p.parts[:-1])


def parse_sources(files: Mapping[str, str]) -> tuple[list[Source], list[ParseFailure]]:
    """Parse every non-test ``.py`` file in ``files`` (sorted by path)."""
    sources: list[Source] = []
    failures: list[ParseFailure] = []
    for path in sorted(files):
        if not path.endswith(".py") or is_test_path(path):
            continue
        text = files[path]
        try:
            tree = ast.parse(text, filename=path)
        except SyntaxError as exc:
            where = f"{path}:{exc.lineno}" if exc.lineno else path
            failures.append(ParseFailure(path, f"{where}: cannot parse: {exc.msg}"))
            continue
        except ValueError as exc:  # e.g. source with NUL bytes
            failures.append(ParseFailure(path, f"{path}: cannot parse: {exc}"))
            continue
        sources.append(Source(path, text, tree))
    return sources, failures
