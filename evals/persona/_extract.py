"""Which units of a persona are checkable rules, with their polarity and a stable id.

A unit (list item or prose sentence, see :mod:`evals.persona._units`) is a rule when
it *directs* behaviour:

* it sits under a rule heading (``Always Do``, ``Never Do``, ``Rules``, ``Best
  Practices``, ``Checklist``, ``Standards``, ``Guidelines``, ``Principles``, ``Do's and
  Don'ts``, ``Constraints`` ...): every item there is a rule;
* or it carries a directive marker (always / never / must / should / do not / avoid /
  prefer / ensure / make sure ...);
* or a list item starts with an imperative verb ("Write tests first", "1. Profile the
  query"). A prose sentence needs a marker or a verb from the same list and must not be
  a question or an introduction to a list ("Follow these steps:").

Descriptions ("Expert in Python", "Message queues (Kafka)") and example blocks are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evals.persona._model import Polarity
from evals.persona._text import normalise, slug, words
from evals.persona._units import Unit, units
from evals.persona._vocab import (
    AMBIGUOUS,
    NEGATIVE,
    NEGATIVE_START,
    NEVER_HEADINGS,
    OBJECT_START,
    POSITIVE,
    PROCEDURE,
    RULE_HEADINGS,
    SKIP_HEADINGS,
    VERBS,
    wordset,
)

__all__ = ["Candidate", "candidates", "directive", "rule_id"]


@dataclass(frozen=True)
class Candidate:
    """A unit that is a rule: its text, where it is, its polarity and default id."""

    text: str
    section: str
    line: int
    polarity: Polarity
    id: str
    kind: str


def _has(phrase_words: list[str], phrases: tuple[str, ...]) -> bool:
    joined = f" {' '.join(phrase_words)} "
    return any(f" {p} " in joined for p in phrases)


_BOLD = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)(.*)$")
_PLAIN = re.compile(r"^([^:`*]{2,40}):\s+(.+)$")


def split_label(text: str) -> tuple[str, str]:
    """``**Fail Fast** - Validate early`` -> ``("Fail Fast", "Validate early")``.

    A bold start is a label only when a separator (``:``, ``-``, a dash) follows it or
    ends it, or it is the whole item; ``**Use** parameterized queries`` has no label.
    """
    if bold := _BOLD.match(text):
        label, rest = bold.group(1).strip(), bold.group(2)
        if label.endswith(":"):
            return label.rstrip(":").strip(), rest.strip()
        sep = re.match(r"^\s*[:\-\u2013\u2014]+\s*", rest)
        if sep:
            return label, rest[sep.end() :].strip()
        if not rest.strip():
            return label, ""
        return "", text
    if plain := _PLAIN.match(text):
        return plain.group(1).strip(), plain.group(2).strip()
    return "", text


def directive(text: str, *, prose: bool = False) -> Polarity | None:
    """``"never"`` / ``"always"`` when ``text`` directs behaviour, else ``None``.

    Args:
        text: One list item or sentence (markdown allowed).
        prose: The text is a sentence of a paragraph (stricter: no questions, no
            ``...:`` introductions, no ``You are`` descriptions).
    """
    found = _directive(text, prose=prose)
    return found[0] if found else None


def _directive(text: str, *, prose: bool = False) -> tuple[Polarity, bool] | None:
    """(polarity, explicit): ``explicit`` when a marker word (never, must, ...) says it."""
    stripped = text.strip()
    if prose and (stripped.endswith(("?", ":")) or len(words(stripped)) > 60):
        return None
    label, rest = split_label(stripped)
    parts = [(rest, True), (label, False)] if label else [(stripped, True)]
    for part, whole in parts:
        found = _polarity(words(part), third_person=whole)
        if found is not None:
            return found
    return None


def _first(ws: list[str], phrases: tuple[str, ...]) -> int | None:
    joined = f" {' '.join(ws)} "
    hits = [joined.find(f" {p} ") for p in phrases]
    found = [h for h in hits if h >= 0]
    return min(found) if found else None


def _polarity(ws: list[str], *, third_person: bool = True) -> tuple[Polarity, bool] | None:
    if not ws:
        return None
    if ws[0] in NEGATIVE_START:
        return "never", True
    at = 1 if ws[0] in ("please", "also", "then", "first", "finally") and ws[1:] else 0
    first = ws[at]
    base = _third_person(first) if third_person else None
    verb = (first in VERBS and first not in AMBIGUOUS) or (
        base is not None and base in VERBS and base not in AMBIGUOUS
    )
    verb = verb or bool(first in AMBIGUOUS and ws[at + 1 : at + 2] and ws[at + 1] in OBJECT_START)
    negative, positive = _first(ws, NEGATIVE), _first(ws, POSITIVE)
    if verb and at == 0 and first not in ("avoid", "stop"):
        # "Write clear code. Avoid clever hacks." leads with what to do.
        return "always", positive is not None
    if negative is not None and (positive is None or negative <= positive):
        return "never", True
    if positive is not None:
        return "always", True
    if verb:
        return "always", False
    return None


def _third_person(word: str) -> str | None:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return None


def _procedure(title: str) -> bool:
    norm = normalise(title)
    return any(re.search(rf"(?:^| ){re.escape(w)}(?: |$)", norm) for w in PROCEDURE)


def _rule_heading(title: str) -> Polarity | None:
    norm = normalise(title)
    if not norm:
        return None
    for word in RULE_HEADINGS:
        if re.search(rf"(?:^| ){re.escape(word)}(?: |$)", norm):
            return (
                "never" if any(n in norm.split() or n == norm for n in NEVER_HEADINGS) else "always"
            )
    return None


def _skip(title: str) -> bool:
    norm = normalise(title)
    return any(re.search(rf"(?:^| ){w}(?: |$)", norm) for w in SKIP_HEADINGS)


#: Leading words an id drops: the polarity prefix already says them.
_ID_DROP = wordset(
    """
    always never do dont not must should shall you please avoid ensure make sure to
    """
)


def rule_id(polarity: Polarity, text: str, section: str = "") -> str:
    """A stable id from the rule's meaning: polarity, then its leading content words.

    ``Never log PII`` -> ``never-log-pii`` (no doubled prefix); a ``**Label** - why``
    bullet is named by its label; rules of polarity ``other`` are prefixed by their
    section.
    """
    label, rest = split_label(text)
    basis = label if label and len(words(label)) <= 6 else text
    ws = words(basis)
    while ws and ws[0] in _ID_DROP and len(ws) > 1:
        ws = ws[1:]
    body = "-".join(ws[:8]) or slug(text)
    prefix = polarity if polarity != "other" else (slug(section) or "rule")
    return f"{prefix}-{body}"


def candidates(body: str, *, legacy_sections: frozenset[str]) -> list[Candidate]:
    """The rules of a body that no sidecar asked for (see the module docstring).

    Args:
        body: The persona body.
        legacy_sections: Normalised titles whose top-level bullets are read by the
            legacy bullet reader instead (Always Do / Never Do): skipped here.

    Returns:
        Candidates in document order; identical texts appear once.
    """
    found: list[Candidate] = []
    seen: set[str] = set()
    for unit in units(body):
        if normalise(unit.section) in legacy_sections or _skip(unit.section):
            continue
        polarity = _unit_polarity(unit)
        if polarity is None:
            continue
        key = normalise(unit.text)
        if not key or key in seen:
            continue
        seen.add(key)
        found.append(
            Candidate(
                unit.text,
                unit.section,
                unit.line,
                polarity,
                rule_id(polarity, unit.text),
                unit.kind,
            )
        )
    return found


def _unit_polarity(unit: Unit) -> Polarity | None:
    text = unit.text
    if len(words(text)) < 2 or _mostly_code(text):
        return None
    if unit.kind == "sentence":
        if re.match(r"^\W*you are\b", text, re.I):
            return None
        return directive(text, prose=True)
    if text.rstrip(" *_").endswith(":"):
        return None  # "**Code Generation:**" introduces a nested list; its items are the rules
    heading = _rule_heading(unit.section)
    for label in (unit.parent, unit.lead):  # "Quality checklist:" / "**Never**:" above a list
        if heading is None and label.rstrip(" *_").endswith(":"):
            heading = _rule_heading(label.rstrip(" *_:"))
    own = _directive(text)
    if heading == "never" and not (own is not None and own[1]):
        return "never"  # "## Never Do" / "- Use string concatenation": the heading says never
    if own is not None:
        return own[0]
    if heading is not None:
        return heading
    if unit.kind == "step" and any(_procedure(x) for x in (unit.section, unit.lead)):
        return "always"
    return None


def _mostly_code(text: str) -> bool:
    code = sum(len(m) for m in re.findall(r"`[^`]*`", text))
    return code > 0.6 * len(text.strip())
