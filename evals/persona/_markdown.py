"""The markdown side of a persona: frontmatter split, sections and list items.

This is a deliberately small reader for the subset persona files use: ATX headings
(``## Always Do``), bullet and numbered lists, fenced code. Headings and list items
inside fenced code are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Bullet", "Heading", "body_of", "scan", "split_frontmatter"]

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ITEM = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])(?:([ \t]+)(.*))?$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_NESTED_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])(?:\s|$)")


@dataclass(frozen=True)
class Heading:
    """One ATX heading and the text under it."""

    level: int
    title: str
    own: str  # up to the next heading of any level
    full: str  # up to the next heading of the same or a higher level


@dataclass(frozen=True)
class Bullet:
    """A top-level list item directly under a heading (before any subheading)."""

    heading: str
    text: str  # the item's text: marker removed, wrapped lines joined, nested lines kept
    head: str  # its first paragraph only
    line: int  # 1-based line in the body


def split_frontmatter(text: str) -> tuple[str, str, int] | None:
    """Split ``text`` into (frontmatter YAML, body, body's first line number).

    Returns ``None`` when the text does not start with a ``---`` line closed by a
    ``---`` (or ``...``) line.
    """
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return None


def body_of(body: str) -> str:
    """The body as a system prompt: leading blank lines and trailing whitespace removed."""
    return re.sub(r"\A(?:[ \t]*\n)+", "", body).rstrip()


def _blocks(body: str) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """(level, title, [(line number, line)]) per heading; level 0 is the preamble."""
    blocks: list[tuple[int, str, list[tuple[int, str]]]] = [(0, "", [])]
    fence: str | None = None
    for number, line in enumerate(body.split("\n"), start=1):
        # Any indentation: a fence inside a list item hides `# comment` lines too.
        opened = _FENCE.match(line.lstrip(" \t"))
        if fence is not None:
            if _closes(line, fence):
                fence = None
        elif opened:
            fence = opened.group(1)
        elif heading := _HEADING.match(line):
            blocks.append((len(heading.group(1)), (heading.group(2) or "").strip(), []))
            continue
        blocks[-1][2].append((number, line))
    return blocks


def _trim(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n").rstrip()


def scan(body: str) -> tuple[list[Heading], list[Bullet]]:
    """Every heading with its text, and every top-level bullet with its heading.

    Args:
        body: The persona body (frontmatter removed).

    Returns:
        Headings in document order and bullets in document order.
    """
    blocks = _blocks(body)
    headings: list[Heading] = []
    bullets: list[Bullet] = []
    for index, (level, title, lines) in enumerate(blocks):
        if level == 0:
            continue
        full = [line for _, line in lines]
        for later_level, later_title, later_lines in blocks[index + 1 :]:
            if later_level <= level:
                break
            full.append(f"{'#' * later_level} {later_title}")
            full.extend(line for _, line in later_lines)
        headings.append(Heading(level, title, _trim([x for _, x in lines]), _trim(full)))
        bullets.extend(_items(title, lines))
    return headings, bullets


def _items(heading: str, lines: list[tuple[int, str]]) -> list[Bullet]:
    """Top-level list items among one heading's own lines."""
    items: list[Bullet] = []
    item: _Item | None = None
    fence: str | None = None
    for number, raw in lines:
        line = _expand_indent(raw)
        if fence is not None:
            if item is not None:
                item.rest.append(line)
            if _closes(line, fence):
                fence = None
            continue
        if not line.strip():
            if item is not None:
                item.blank, item.in_head = True, False
            continue
        indent = len(line) - len(line.lstrip(" "))
        inside = item is not None and indent >= item.width
        opened = _FENCE.match(line.lstrip(" "))
        if opened:
            fence = opened.group(1)
            if item is not None and inside:
                item.add_rest(line)
            else:
                _close(item, heading, items)
                item = None
            continue
        match = _ITEM.match(line)
        if match and not inside and not _THEMATIC_BREAK.match(line):
            _close(item, heading, items)
            width = len(match.group(1)) + len(match.group(2)) + len(match.group(3) or " ")
            item = _Item(number, width, [match.group(4) or ""])
            continue
        if item is None:
            continue
        if item.in_head and not _NESTED_ITEM.match(line) and not _THEMATIC_BREAK.match(line):
            item.head.append(line)  # a wrapped (or lazily continued) line of the item's text
        elif inside:
            item.add_rest(line)
        else:
            _close(item, heading, items)
            item = None
    _close(item, heading, items)
    return items


@dataclass
class _Item:
    line: int
    width: int  # content column: lines indented this far belong to the item
    head: list[str]
    rest: list[str] = field(default_factory=list)
    in_head: bool = True
    blank: bool = False

    def add_rest(self, line: str) -> None:
        if self.blank and self.rest:
            self.rest.append("")
        self.rest.append(line)
        self.blank, self.in_head = False, False


def _close(item: _Item | None, heading: str, items: list[Bullet]) -> None:
    if item is not None:
        head = " ".join(x.strip() for x in item.head if x.strip())
        rest = _dedent("\n".join(item.rest).strip("\n"))
        text = f"{head}\n{rest}" if rest else head
        items.append(Bullet(heading, text, head, item.line))


def _closes(line: str, fence: str) -> bool:
    closing = _FENCE.match(line.lstrip(" \t"))
    return bool(
        closing
        and closing.group(1)[0] == fence[0]
        and len(closing.group(1)) >= len(fence)
        and not line.strip()[len(closing.group(1)) :].strip()
    )


def _expand_indent(line: str) -> str:
    """Tabs in the indentation count as 4 columns; tabs in the text stay as written."""
    stripped = line.lstrip(" \t")
    return line[: len(line) - len(stripped)].expandtabs(4) + stripped


def _dedent(text: str) -> str:
    lines = text.split("\n")
    margin = min((len(x) - len(x.lstrip(" ")) for x in lines if x.strip()), default=0)
    return "\n".join(x[margin:] for x in lines)
