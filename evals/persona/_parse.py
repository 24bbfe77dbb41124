"""Persona text (+ sidecar text) -> :class:`Persona`. Pure: no file or git access."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from evals.errors import PersonaError
from evals.persona._markdown import Bullet, Heading, body_of, scan, split_frontmatter
from evals.persona._model import Persona, Polarity, Rule
from evals.persona._sidecar import (
    SidecarEntry,
    check_graders,
    parse_sidecar,
    safe_load,
    yaml_where,
)
from evals.persona._text import normalise, slug

__all__ = ["RULE_SECTIONS", "parse_persona"]

#: Normalised heading titles whose bullets are always rules, and their polarity.
RULE_SECTIONS: dict[str, Polarity] = {"always do": "always", "never do": "never"}


def parse_persona(
    text: str,
    *,
    source: str,
    sidecar_text: str | None = None,
    sidecar_source: str | None = None,
    known_graders: Iterable[str] | None = None,
) -> Persona:
    """Parse a persona file's text into a :class:`Persona` with its rules.

    Every bullet directly under an ``Always Do`` / ``Never Do`` heading is a rule;
    the sidecar pins ids, names and graders, and can make other bullets rules.

    Args:
        text: The persona file's text (YAML frontmatter + markdown body).
        source: How errors name the file; also the persona's ``ref`` and ``path``.
        sidecar_text: The ``.rules.yaml`` sidecar's text, if there is one.
        sidecar_source: How errors name the sidecar (default: ``<stem>.rules.yaml``).
        known_graders: When given, every grader in the sidecar must be one of these.

    Returns:
        The persona (``rev`` and ``sidecar`` unset: :func:`load_persona` fills them).

    Raises:
        PersonaError: One line naming the file, the problem and the fix.
    """
    split = split_frontmatter(text)
    if split is None:
        raise PersonaError(
            "no YAML frontmatter; start the file with a '---' line, then `name:` and "
            "`description:`, then a closing '---' line",
            path=source,
        )
    front_text, raw_body, body_line = split
    front = _frontmatter(front_text, source)
    headings, bullets = scan(raw_body)
    bullets = [Bullet(b.heading, b.text, b.head, b.line + body_line - 1) for b in bullets]
    rules = _rules(bullets, headings, source)
    entries: tuple[SidecarEntry, ...] = ()
    side = sidecar_source or f"{source.removesuffix('.md')}.rules.yaml"
    if sidecar_text is not None:
        entries = parse_sidecar(sidecar_text, source=side)
        if known_graders is not None:
            check_graders(entries, known_graders, source=side)
    ordered = _apply(entries, bullets, headings, rules, source, side)
    _check_unique(ordered, bullets, source, side)
    return Persona(
        name=front["name"],
        description=front["description"],
        tools=front["tools"],
        ref=source,
        path=Path(source),
        rev=None,
        text=text,
        body=body_of(raw_body),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        sections=_sections(headings),
        rules=tuple(rule for _, rule in ordered),
    )


def _frontmatter(front_text: str, source: str) -> dict[str, Any]:
    try:
        data: Any = safe_load(front_text)
    except yaml.YAMLError as exc:
        raise PersonaError(
            f"invalid YAML in the frontmatter {yaml_where(exc, offset=1)}; "
            "fix the YAML between the '---' lines",
            path=source,
        ) from None
    if not isinstance(data, dict):
        raise PersonaError(
            "the frontmatter must be a YAML mapping with at least `name:`; "
            f"got {type(data).__name__ if data is not None else 'nothing'}",
            path=source,
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise PersonaError(
            "missing or empty; add `name: <persona-name>` to the frontmatter",
            path=source,
            field="name",
        )
    description = data.get("description", "")
    if not isinstance(description, str):
        raise PersonaError(
            "must be a string; quote it in the frontmatter", path=source, field="description"
        )
    return {"name": name.strip(), "description": description.strip(), "tools": _tools(data, source)}


def _tools(data: dict[str, Any], source: str) -> tuple[str, ...]:
    tools = data.get("tools")
    if tools is None:
        return ()
    if isinstance(tools, str):
        return tuple(t.strip() for t in tools.split(",") if t.strip())
    if isinstance(tools, list) and all(isinstance(t, str) for t in tools):
        return tuple(tools)
    raise PersonaError(
        'must be a list of tool names (e.g. ["Read", "Edit"]) or a comma-separated string',
        path=source,
        field="tools",
    )


def _rules(bullets: list[Bullet], headings: list[Heading], source: str) -> dict[int, Rule]:
    """Default rules for the Always Do / Never Do bullets, keyed by bullet index."""
    rules: dict[int, Rule] = {}
    for index, bullet in enumerate(bullets):
        polarity = RULE_SECTIONS.get(normalise(bullet.heading))
        if polarity is None:
            continue
        if not slug(bullet.text):
            raise PersonaError(
                f"line {bullet.line}: the bullet under {bullet.heading!r} has no words; "
                "write the rule or remove the bullet",
                path=source,
            )
        rules[index] = Rule(
            f"{polarity}-{slug(bullet.text)}", bullet.heading, bullet.text, polarity
        )
    if not rules:
        found = ", ".join(repr(h.title) for h in headings[:8]) or "none"
        raise PersonaError(
            "no rules: add bullets ('- ...') under a '## Always Do' or '## Never Do' "
            f"heading (headings found: {found})",
            path=source,
        )
    return rules


def _apply(
    entries: tuple[SidecarEntry, ...],
    bullets: list[Bullet],
    headings: list[Heading],
    rules: dict[int, Rule],
    source: str,
    side: str,
) -> list[tuple[int, Rule]]:
    """Apply sidecar entries to the rules; returns (bullet index, rule) pairs in rule order."""
    claimed: dict[int, str] = {}
    titles = {normalise(h.title) for h in headings}
    norms = [(normalise(b.heading), normalise(b.text), normalise(b.head)) for b in bullets]
    for n, entry in enumerate(entries):
        label = entry.label(n)
        section = normalise(entry.section) if entry.section else None
        if section is not None and section not in titles:
            known = ", ".join(repr(h.title) for h in headings)
            raise PersonaError(
                f"section {entry.section!r} is not a heading of {source}; headings: {known}",
                path=side,
                field=label,
            )
        want = normalise(entry.match)
        hits = [
            i
            for i, (heading, text, head) in enumerate(norms)
            if (heading == section if section else i in rules) and want in (text, head)
        ]
        if not hits:
            where = f"under {entry.section!r}" if entry.section else "under Always Do / Never Do"
            raise PersonaError(
                f"`match` {entry.match!r} matches no bullet {where} in {source}; "
                "copy the bullet text into `match` (or set `section`)",
                path=side,
                field=label,
            )
        if len(hits) > 1:
            lines = ", ".join(str(bullets[i].line) for i in hits)
            raise PersonaError(
                f"`match` matches {len(hits)} bullets (lines {lines}) of {source}; "
                "set `section` or make the bullets differ",
                path=side,
                field=label,
            )
        hit = hits[0]
        if hit in claimed:
            raise PersonaError(
                f"matches the same bullet (line {bullets[hit].line}) as {claimed[hit]}; "
                "remove one of the entries",
                path=side,
                field=label,
            )
        claimed[hit] = label
        bullet = bullets[hit]
        polarity = RULE_SECTIONS.get(normalise(bullet.heading), "other")
        default = rules[hit].id if hit in rules else f"{slug(bullet.heading)}-{slug(bullet.text)}"
        rules[hit] = Rule(
            id=entry.id or default,
            section=bullet.heading,
            text=bullet.text,
            polarity=polarity,
            name=entry.name,
            graders=tuple(dict.fromkeys(entry.graders)),
        )
    # Always/Never rules first (the persona's core), then sidecar extras; each in file order.
    return sorted(rules.items(), key=lambda item: (item[1].polarity == "other", item[0]))


def _check_unique(
    ordered: list[tuple[int, Rule]], bullets: list[Bullet], source: str, side: str
) -> None:
    seen: dict[str, int] = {}
    for index, rule in ordered:
        line = bullets[index].line
        if rule.id in seen:
            raise PersonaError(
                f"duplicate rule id {rule.id!r} (lines {seen[rule.id]} and {line}); "
                f"reword one of the bullets or pin distinct ids in {side}",
                path=source,
            )
        seen[rule.id] = line


def _sections(headings: list[Heading]) -> dict[str, str]:
    sections: dict[str, str] = {}
    for heading in headings:
        if heading.title in sections:
            sections[heading.title] = f"{sections[heading.title]}\n\n{heading.full}".strip()
        else:
            sections[heading.title] = heading.full
    return sections
