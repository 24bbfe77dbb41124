"""Parsing candidate Python, including syntax newer than the interpreter we run on.

The graders read :mod:`ast` trees. ``ast.parse`` only knows the syntax of the running
interpreter (3.11 here), so a project written for 3.12+ would be unreadable. When
``ast.parse`` refuses a file, it is parsed again with libcst's native parser (Python
3.0 to 3.15 syntax) and the newer constructs are rewritten, on the same lines, into
their 3.11 equivalents for analysis:

- ``except A, B:`` (3.14, PEP 758) becomes ``except (A, B):``;
- type parameter lists (3.12, PEP 695) are dropped, ``type X = ...`` becomes ``X = ...``;
- f-strings reusing their own quotes inside replacement fields (3.12, PEP 701) get
  another quote style when one exists that 3.11 can read.

What is still unreadable after that (e.g. an f-string that needs every quote style) is
reported as a parse failure for that file only.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    import libcst

__all__ = ["ParseError", "parse_python"]

_QUOTES = ('"', "'", '"""', "'''")


class ParseError(Exception):
    """A file no parser here can read; ``str()`` is the one-line reason."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.line = line


def _downgrade(text: str) -> str | None:
    """``text`` rewritten into 3.11 syntax, or None when libcst cannot parse it either."""
    import libcst as cst  # imported only for files ast cannot read

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return None
    empty = cst.Module(body=[])

    class Downgrade(cst.CSTTransformer):
        def leave_ExceptHandler(
            self, original: cst.ExceptHandler, updated: cst.ExceptHandler
        ) -> cst.ExceptHandler:
            return _parenthesise(updated)

        def leave_ExceptStarHandler(
            self, original: cst.ExceptStarHandler, updated: cst.ExceptStarHandler
        ) -> cst.ExceptStarHandler:
            return _parenthesise(updated)

        def leave_FunctionDef(
            self, original: cst.FunctionDef, updated: cst.FunctionDef
        ) -> cst.FunctionDef:
            return updated.with_changes(type_parameters=None)

        def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
            return updated.with_changes(type_parameters=None)

        def leave_TypeAlias(self, original: cst.TypeAlias, updated: cst.TypeAlias) -> cst.Assign:
            return cst.Assign(targets=[cst.AssignTarget(target=updated.name)], value=updated.value)

        def leave_FormattedString(
            self, original: cst.FormattedString, updated: cst.FormattedString
        ) -> cst.FormattedString:
            code = empty.code_for_node(updated)
            if _readable(code):
                return updated
            prefix = updated.start.rstrip("'\"")
            for quote in _QUOTES:
                candidate = updated.with_changes(start=prefix + quote, end=quote)
                if _readable(empty.code_for_node(candidate)):
                    return candidate
            return updated

    return module.visit(Downgrade()).code


_Handler = TypeVar("_Handler", bound="libcst.ExceptHandler | libcst.ExceptStarHandler")


def _parenthesise(handler: _Handler) -> _Handler:
    """``except A, B:`` -> ``except (A, B):``."""
    import libcst as cst

    t = handler.type
    if isinstance(t, cst.Tuple) and not t.lpar:
        parenthesised = t.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return cast(_Handler, handler.with_changes(type=parenthesised))
    return handler


def _readable(code: str) -> bool:
    try:
        ast.parse(f"({code})", mode="eval")
    except SyntaxError:
        return False
    return True


@lru_cache(maxsize=4096)
def parse_python(path: str, text: str) -> ast.Module:
    """The :mod:`ast` tree of ``text`` (cached by path and text).

    Raises:
        ParseError: neither ``ast`` nor the libcst fallback can read the file.
    """
    try:
        return ast.parse(text, filename=path)
    except SyntaxError as exc:
        first = exc
    except ValueError as exc:  # e.g. source with NUL bytes
        raise ParseError(f"{path}: cannot parse: {exc}") from None
    except (RecursionError, MemoryError):  # nesting deeper than the parser's stack
        raise ParseError(f"{path}: cannot parse: nested too deeply") from None
    try:
        rewritten = _downgrade(text)
    except Exception:  # libcst found the file valid but a rewrite failed: keep ast's reason
        rewritten = None
    if rewritten is not None:
        try:
            return ast.parse(rewritten, filename=path)
        except SyntaxError:
            pass
    where = f"{path}:{first.lineno}" if first.lineno else path
    raise ParseError(f"{where}: cannot parse: {first.msg}", first.lineno)
