"""Apply sidecar entries to the rules read from a persona: pin, name, drop, merge, add.

An entry that cannot be applied (its text is gone, its section renamed, it matches
several rules, or a rule another entry already claimed) is *stale*: it is reported as a
warning and ignored, so a persona revision that loaded once always loads again. When an
entry's ``match`` no longer appears but one rule is close enough
(:func:`~evals.persona._similar.similarity` at or above the reword threshold), the entry
applies to that rule with a "probably the same rule, reworded" warning: a reworded
bullet keeps its pinned id, and with it its history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from evals.persona._extract import rule_id, split_label
from evals.persona._markdown import Heading
from evals.persona._model import Polarity
from evals.persona._sidecar import SidecarEntry
from evals.persona._similar import REWORD_THRESHOLD, similarity
from evals.persona._text import normalise, slug

__all__ = ["Draft", "apply_sidecar", "unique_ids"]

PoolItem = tuple[str, str, int, str]  # (section, text, line, kind)


@dataclass
class Draft:
    """A rule being assembled (mutable until :func:`~evals.persona._map.map_rule`)."""

    id: str
    section: str
    text: str
    polarity: Polarity
    line: int
    heads: tuple[str, ...] = ()
    kind: str = "bullet"
    name: str | None = None
    graders: tuple[str, ...] | None = None
    behaviours: tuple[str, ...] | None = None
    merged: tuple[str, ...] = ()
    reworded_from: tuple[str, ...] = ()
    #: The model that proposed ``graders``/``behaviours`` (an unreviewed LLM entry).
    llm_model: str | None = None
    claimed_by: str | None = field(default=None, repr=False)

    def match_keys(self) -> set[str]:
        """Normalised texts an entry's ``match`` may equal: text, first paragraph, label."""
        label, _ = split_label(self.text)
        found = {normalise(self.text), *(normalise(h) for h in self.heads)}
        if label:
            found.add(normalise(label))
        return found - {""}


def apply_sidecar(
    entries: Sequence[SidecarEntry],
    drafts: list[Draft],
    pool: Sequence[PoolItem],
    headings: Sequence[Heading],
    *,
    source: str,
    side: str,
    warnings: list[str],
) -> list[Draft]:
    """Apply ``entries`` in order; returns the rules left, in file order.

    Args:
        entries: The sidecar's entries.
        drafts: Rules read from the persona.
        pool: Every list item and sentence (section, text, line, kind): what an entry
            may make a rule.
        headings: The persona's headings (to check ``section``).
        source: The persona, for messages.
        side: The sidecar, for messages.
        warnings: Stale entries and fuzzy matches are appended here.
    """
    titles = {normalise(h.title) for h in headings}
    rules = list(drafts)
    for n, entry in enumerate(entries):
        label = f"{side}: {entry.label(n)}"
        section = normalise(entry.section) if entry.section else None
        if section is not None and section not in titles:
            warnings.append(
                f"{label}: section {entry.section!r} is not a heading of {source}; "
                "entry ignored (stale?)"
            )
            continue
        target = _find(entry, section, rules, pool, label, warnings)
        if target is None:
            continue
        if target.claimed_by is not None:
            warnings.append(
                f"{label}: matches the rule on line {target.line}, already claimed by "
                f"{target.claimed_by}; entry ignored"
            )
            continue
        target.claimed_by = entry.label(n)
        if entry.drop:
            rules.remove(target)
            continue
        _merge(entry, target, rules, label, warnings)
        target.id = entry.id or target.id
        target.name = entry.name or target.name
        target.graders = (
            tuple(dict.fromkeys(entry.graders)) if entry.graders is not None else target.graders
        )
        target.behaviours = entry.behaviours if entry.behaviours is not None else target.behaviours
        target.reworded_from = () if entry.new else tuple(entry.reworded_from)
        target.llm_model = entry.llm.model if entry.llm is not None else None
    # Always/Never rules first (the persona's core), then the rest; each in file order.
    core = [r for r in rules if normalise(r.section) in ("always do", "never do")]
    return core + sorted((r for r in rules if r not in core), key=lambda r: r.line)


def _find(
    entry: SidecarEntry,
    section: str | None,
    rules: list[Draft],
    pool: Sequence[PoolItem],
    label: str,
    warnings: list[str],
) -> Draft | None:
    want = normalise(entry.match)
    inside = [r for r in rules if section is None or normalise(r.section) == section]
    hits = [r for r in inside if want in r.match_keys()]
    if len(hits) > 1:
        lines = ", ".join(str(r.line) for r in hits)
        warnings.append(
            f"{label}: `match` fits {len(hits)} rules (lines {lines}); set `section` or "
            "quote more of the text; entry ignored"
        )
        return None
    if hits:
        return hits[0]
    items = [
        p
        for p in pool
        if (section is None or normalise(p[0]) == section) and normalise(p[1]) == want
    ]
    if items:
        item = min(items, key=lambda p: p[2])
        return _add(item, rules)
    scored = sorted(
        ((similarity(entry.match, r.text), r) for r in inside if r.claimed_by is None),
        key=lambda pair: -pair[0],
    )
    if scored and scored[0][0] >= REWORD_THRESHOLD and not entry.drop:
        score, rule = scored[0]
        warnings.append(
            f"{label}: `match` is gone; probably the same rule, reworded, on line "
            f"{rule.line} (similarity {score:.2f}); applied to it. Update `match` to the "
            "new text (or pin another rule) to silence this"
        )
        return rule
    warnings.append(
        f"{label}: `match` {entry.match!r} matches nothing in the persona; entry ignored "
        "(stale? copy the current text into `match` or remove the entry)"
    )
    return None


def _add(item: PoolItem, rules: list[Draft]) -> Draft:
    """Make a list item or sentence no reader picked a rule, as the sidecar asks."""
    section, text, line, kind = item
    polarity: Polarity = {"always do": "always", "never do": "never"}.get(
        normalise(section), "other"
    )  # type: ignore[assignment]
    if polarity == "other":
        default = f"{slug(section) or 'rule'}-{slug(text)}"
    else:
        default = rule_id(polarity, text)
    draft = Draft(
        default, section, text, polarity, line, heads=(text.split("\n", 1)[0],), kind=kind
    )
    rules.append(draft)
    return draft


def _merge(
    entry: SidecarEntry, target: Draft, rules: list[Draft], label: str, warnings: list[str]
) -> None:
    merged = list(target.merged)
    for ref in entry.merge:
        want = normalise(ref)
        other = next(
            (r for r in rules if r is not target and (r.id == ref or want in r.match_keys())), None
        )
        if other is None:
            warnings.append(f"{label}: merge {ref!r} matches no other rule; skipped")
            continue
        rules.remove(other)
        merged.append(other.id)
    target.merged = tuple(merged)


def unique_ids(rules: list[Draft], warnings: list[str]) -> None:
    """Give rules that share an id distinct ones: more of their words, then a number."""
    seen: set[str] = set()
    for rule in rules:
        if rule.id not in seen:
            seen.add(rule.id)
            continue
        longer = f"{rule.id.split('-', 1)[0]}-{slug(rule.text, max_words=16)}"
        candidate, n = longer, 2
        while candidate in seen:
            candidate, n = f"{longer}-{n}", n + 1
        warnings.append(
            f"line {rule.line}: rule id {rule.id!r} is taken; this rule is {candidate!r} "
            "(pin an id in the sidecar to choose)"
        )
        rule.id = candidate
        seen.add(candidate)
