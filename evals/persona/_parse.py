"""Persona text (+ sidecar text) -> :class:`Persona`. Pure: no file or git access."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from evals.errors import PersonaError
from evals.persona._apply import Draft, apply_sidecar, unique_ids
from evals.persona._extract import candidates, rule_id
from evals.persona._front import read_front
from evals.persona._map import map_rule
from evals.persona._markdown import Heading, body_of, scan, split_frontmatter
from evals.persona._model import Persona, Polarity
from evals.persona._sidecar import SidecarEntry, check_graders, parse_sidecar
from evals.persona._text import normalise
from evals.persona._units import units

__all__ = ["RULE_SECTIONS", "parse_persona"]

#: Normalised heading titles whose every top-level bullet is a rule, and their polarity.
RULE_SECTIONS: dict[str, Polarity] = {"always do": "always", "never do": "never"}


def parse_persona(
    text: str,
    *,
    source: str,
    sidecar_text: str | None = None,
    sidecar_source: str | None = None,
    known_graders: Iterable[str] | None = None,
    measures: Mapping[str, Iterable[str]] | None = None,
) -> Persona:
    """Parse a persona file's text into a :class:`Persona` with its rules.

    Rules are every bullet under ``Always Do`` / ``Never Do`` headings, then every
    other list item, numbered step or prose sentence that directs behaviour (see
    :mod:`evals.persona._extract`). The sidecar pins ids, names, graders and
    behaviours, drops or merges rules, and can make any other item a rule. Each rule's
    graders come from the sidecar, else from its behaviours (``measures``), else the
    judge when it is judgeable.

    Args:
        text: The persona file's text (YAML frontmatter + markdown body).
        source: How errors name the file; also the persona's ``ref`` and ``path``.
        sidecar_text: The ``.rules.yaml`` sidecar's text, if there is one.
        sidecar_source: How errors name the sidecar (default: ``<stem>.rules.yaml``).
        known_graders: When given, every grader in the sidecar must be one of these.
        measures: Grader -> behaviours it measures (default: ``graders.behaviours``).

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
    front = read_front(front_text, source)
    warnings = list(front.warnings)
    headings, bullets = scan(raw_body)
    offset = body_line - 1
    drafts: list[Draft] = []
    for bullet in bullets:
        polarity = RULE_SECTIONS.get(normalise(bullet.heading))
        if polarity is None:
            continue
        if not normalise(bullet.text):
            warnings.append(
                f"line {bullet.line + offset}: an empty bullet under {bullet.heading!r} was skipped"
            )
            continue
        drafts.append(
            Draft(
                rule_id(polarity, bullet.text),
                bullet.heading,
                bullet.text,
                polarity,
                bullet.line + offset,
                heads=(bullet.head,),
            )
        )
    for found in candidates(raw_body, legacy_sections=frozenset(RULE_SECTIONS)):
        drafts.append(
            Draft(found.id, found.section, found.text, found.polarity, found.line + offset)
        )
        drafts[-1].kind = found.kind
    drafts = _dedupe(drafts, warnings)
    side = sidecar_source or f"{source.removesuffix('.md')}.rules.yaml"
    entries: tuple[SidecarEntry, ...] = ()
    if sidecar_text is not None:
        entries = parse_sidecar(sidecar_text, source=side)
        if known_graders is not None:
            check_graders(entries, known_graders, source=side)
    pool = [(u.section, u.text, u.line + offset, u.kind) for u in units(raw_body)]
    pool += [(b.heading, b.text, b.line + offset, "bullet") for b in bullets]
    if front.description.strip():  # a sidecar may make the description a rule (delegation)
        pool.append(("frontmatter", front.description.strip(), _description_line(text), "bullet"))
    drafts = apply_sidecar(
        entries, drafts, pool, headings, source=source, side=side, warnings=warnings
    )
    if not drafts:
        raise PersonaError(
            "no rules: no bullet, numbered step or sentence says what to do (always, "
            "never, must, avoid, or an imperative verb such as 'Write tests'); add such "
            f"bullets (e.g. under '## Always Do') or name rules in {side} "
            f"(headings found: {_titles(headings)})",
            path=source,
        )
    unique_ids(drafts, warnings)
    table = _measures(measures)
    rules = tuple(map_rule(d, table) for d in drafts)
    return Persona(
        name=front.name,
        description=front.description,
        tools=front.tools,
        ref=source,
        path=Path(source),
        rev=None,
        text=text,
        body=body_of(raw_body),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        sections=_sections(headings),
        rules=rules,
        model=front.model,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _dedupe(drafts: list[Draft], warnings: list[str]) -> list[Draft]:
    """One rule per text: a repeated bullet (same words) is the same rule."""
    seen: dict[str, Draft] = {}
    out: list[Draft] = []
    for draft in drafts:
        key = normalise(draft.text)
        if key in seen:
            first = seen[key]
            warnings.append(
                f"line {draft.line}: repeats the rule on line {first.line} "
                f"({first.id}); counted once"
            )
            continue
        seen[key] = draft
        out.append(draft)
    return out


def _measures(measures: Mapping[str, Iterable[str]] | None) -> dict[str, tuple[str, ...]]:
    if measures is None:
        from graders.behaviours import measures as declared  # lazy: the grader table

        measures = declared()
    return {grader: tuple(behaviours) for grader, behaviours in measures.items()}


def _titles(headings: list[Heading]) -> str:
    return ", ".join(repr(h.title) for h in headings[:8]) or "none"


def _sections(headings: list[Heading]) -> dict[str, str]:
    sections: dict[str, str] = {}
    for heading in headings:
        if heading.title in sections:
            sections[heading.title] = f"{sections[heading.title]}\n\n{heading.full}".strip()
        else:
            sections[heading.title] = heading.full
    return sections


def _description_line(text: str) -> int:
    """Line of the frontmatter's ``description:`` (1 when not found)."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("description:"):
            return number
    return 1
