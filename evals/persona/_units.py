"""A persona body as text units: every list item (any depth) and every prose sentence.

Each unit keeps the heading it sits under and its 1-based line in the body, so a rule
taken from it can say where it came from. Fenced code, tables, HTML comments and
``<example>`` blocks are skipped: they show what to produce, they do not state rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Unit", "units"]

UnitKind = Literal["bullet", "step", "sentence"]

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?(.*\S)\s*$")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_TAG_OPEN = re.compile(r"<(example|examples|commentary|output|template)\b[^>]*>", re.I)
_TAG_CLOSE = re.compile(r"</(example|examples|commentary|output|template)\s*>", re.I)
# A sentence ends at . ! ? followed by space and an upper-case letter, a quote or markup.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*_`\"'(\[])")


@dataclass(frozen=True)
class Unit:
    """One list item or prose sentence of the body."""

    kind: UnitKind
    text: str  # as written (markdown kept), wrapped lines joined by a space
    section: str  # the nearest heading's title ("" before the first heading)
    line: int  # 1-based line in the body where the unit starts
    depth: int = 0  # list nesting (0 for top-level items and sentences)
    parent: str = ""  # the enclosing list item's text, for nested items
    lead: str = ""  # the paragraph just before the list ("Quality checklist:")


@dataclass
class _Open:
    """A list item or paragraph still being read."""

    kind: UnitKind
    texts: list[str]
    line: int
    depth: int = 0
    indent: int = 0
    parent: str = ""
    lead: str = ""


class _Reader:
    def __init__(self) -> None:
        self.out: list[Unit] = []
        self.section = ""
        self.item: _Open | None = None
        self.para: _Open | None = None
        self.stack: list[tuple[int, str]] = []  # (indent, text) of enclosing list items
        self.last_para = ""  # the latest paragraph: it introduces a list that follows

    def flush(self) -> None:
        if self.item is not None:
            item, self.item = self.item, None
            text = " ".join(t.strip() for t in item.texts).strip()
            if text:
                self.out.append(
                    Unit(
                        item.kind, text, self.section, item.line, item.depth, item.parent, item.lead
                    )
                )
                self.stack.append((item.indent, text))
        if self.para is not None:
            para, self.para = self.para, None
            self.last_para = " ".join(t.strip() for t in para.texts).strip()
            for sentence in _sentences(self.last_para):
                self.out.append(Unit("sentence", sentence, self.section, para.line))

    def text_line(self, number: int, line: str) -> None:
        if match := _ITEM.match(line):
            self.flush()
            indent = len(match.group(1))
            while self.stack and self.stack[-1][0] >= indent:
                self.stack.pop()
            kind: UnitKind = "step" if match.group(2)[0].isdigit() else "bullet"
            parent = self.stack[-1][1] if self.stack else ""
            self.item = _Open(
                kind, [match.group(3)], number, len(self.stack), indent, parent, self.last_para
            )
        elif self.item is not None:
            self.item.texts.append(line)
        elif self.stack and len(line) - len(line.lstrip()) > self.stack[-1][0]:
            pass  # an indented paragraph inside a list item belongs to the item
        elif self.para is None:
            self.stack.clear()
            self.para = _Open("sentence", [line], number)
        else:
            self.para.texts.append(line)


def units(body: str) -> list[Unit]:
    """Every list item and prose sentence of ``body``, in document order.

    Args:
        body: The persona body (frontmatter removed).

    Returns:
        The units; a list item's text is its first paragraph only (nested items are
        units of their own, with ``parent`` set).
    """
    reader = _Reader()
    fence: str | None = None
    in_tag = 0
    in_comment = False
    for number, raw in enumerate(body.split("\n"), start=1):
        line = raw.expandtabs(4)
        if fence is not None:
            closing = _FENCE.match(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                fence = None
            continue
        if in_comment:
            in_comment = "-->" not in line
            continue
        opens, closes = len(_TAG_OPEN.findall(line)), len(_TAG_CLOSE.findall(line))
        if opened := _FENCE.match(line):
            reader.flush()
            fence = opened.group(1)
        elif "<!--" in line and "-->" not in line.split("<!--", 1)[1]:
            reader.flush()
            in_comment = True
        elif opens or closes or in_tag:
            reader.flush()
            in_tag = max(0, in_tag + opens - closes)
        elif heading := _HEADING.match(line):
            reader.flush()
            reader.stack.clear()
            reader.last_para = ""
            reader.section = (heading.group(2) or "").strip()
        elif (
            not line.strip()
            or _BREAK.match(line)
            or _SETEXT.match(line)
            or line.lstrip().startswith("|")
        ):
            reader.flush()
        else:
            reader.text_line(number, line)
    reader.flush()
    return reader.out


def _sentences(text: str) -> list[str]:
    text = re.sub(r"<[^>]{1,80}>", " ", text)
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
