"""Compare two personas (or two revisions of one) rule by rule, matched by id.

Rules whose id disappeared and rules with a new id are paired again when one rewords
the other (:mod:`evals.persona._lineage`): they are reported as *reworded* ("probably
the same rule, reworded", with the similarity score), not as one removal plus one
addition. The diff also reports what changes a candidate's prompt without changing a
rule: the frontmatter ``description``, ``tools``, ``model`` and ``name``, and the body
prose outside rules.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from evals.persona._lineage import reworded_pairs
from evals.persona._model import Persona, Rule

__all__ = ["PersonaDiff", "changed_fields", "diff_personas"]

_COMPARED = ("text", "section", "polarity", "name", "graders")


@dataclass(frozen=True)
class PersonaDiff:
    """Rules added, removed and changed from persona ``a`` to persona ``b``.

    Attributes:
        added: Rules of ``b`` whose id is not in ``a`` (in ``b``'s order).
        removed: Rules of ``a`` whose id is not in ``b`` (in ``a``'s order).
        changed: ``(old, new)`` pairs with the same id and a different text,
            section, polarity, name or graders (in ``b``'s order).
        unchanged: How many rules are identical in both.
        a_ref: The ``ref`` of ``a``.
        b_ref: The ``ref`` of ``b``.
    """

    added: tuple[Rule, ...]
    removed: tuple[Rule, ...]
    changed: tuple[tuple[Rule, Rule], ...]
    unchanged: int = 0
    a_ref: str = ""
    b_ref: str = ""
    #: ``(old, new, score)``: probably the same rule, reworded (score ``None``: the
    #: sidecar's ``reworded_from`` says so).
    reworded: tuple[tuple[Rule, Rule, float | None], ...] = ()
    #: Frontmatter field -> (old, new), for ``name``, ``description``, ``tools``, ``model``.
    meta: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    #: Unified-diff lines (``-``/``+``) of the body prose outside rules.
    prose: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when no rule, frontmatter field or prose line differs."""
        return not (
            self.added or self.removed or self.changed or self.reworded or self.meta or self.prose
        )

    def summary(self) -> str:
        """``"1 added, 0 removed, 2 changed, 1 reworded, 13 unchanged; also: tools, prose"``."""
        text = (
            f"{len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.changed)} changed, "
            + (f"{len(self.reworded)} reworded, " if self.reworded else "")
            + f"{self.unchanged} unchanged"
        )
        also = list(self.meta) + ([f"prose ({len(self.prose)} lines)"] if self.prose else [])
        return f"{text}; also changed: {', '.join(also)}" if also else text

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form; each change lists its changed fields with old and new values."""
        return {
            "a": self.a_ref,
            "b": self.b_ref,
            "added": [r.to_dict() for r in self.added],
            "removed": [r.to_dict() for r in self.removed],
            "changed": [
                {
                    "id": new.id,
                    "fields": changed_fields(old, new),
                    "old": old.to_dict(),
                    "new": new.to_dict(),
                }
                for old, new in self.changed
            ],
            "unchanged": self.unchanged,
            "reworded": [
                {"old": old.to_dict(), "new": new.to_dict(), "similarity": score}
                for old, new, score in self.reworded
            ],
            "meta": {k: {"old": v[0], "new": v[1]} for k, v in self.meta.items()},
            "prose": list(self.prose),
        }

    def to_markdown(self) -> str:
        """A markdown report: a summary line, then one list per kind of change."""
        lines = [f"### Persona rules: `{self.a_ref}` → `{self.b_ref}`", "", self.summary()]
        if self.added:
            lines += ["", "**Added**", ""]
            lines += [f"- `{r.id}` ({r.section}): {_one_line(r.text)}" for r in self.added]
        if self.removed:
            lines += ["", "**Removed**", ""]
            lines += [f"- `{r.id}` ({r.section}): {_one_line(r.text)}" for r in self.removed]
        if self.changed:
            lines += ["", "**Changed**", ""]
            for old, new in self.changed:
                lines.append(f"- `{new.id}`")
                for name in changed_fields(old, new):
                    before, after = _show(getattr(old, name)), _show(getattr(new, name))
                    lines.append(f"  - {name}: {before} → {after}")
        if self.reworded:
            lines += ["", "**Probably the same rule, reworded**", ""]
            for old, new, score in self.reworded:
                why = "sidecar reworded_from" if score is None else f"similarity {score:.2f}"
                lines.append(f"- `{old.id}` → `{new.id}` ({why})")
                lines.append(f"  - text: {_show(old.text)} → {_show(new.text)}")
        if self.meta:
            lines += ["", "**Frontmatter**", ""]
            for name, (before, after) in self.meta.items():
                lines.append(f"- {name}: {_show(before)} → {_show(after)}")
        if self.prose:
            lines += ["", "**Prompt prose outside rules**", "", "```diff", *self.prose, "```"]
        return "\n".join(lines) + "\n"


def changed_fields(old: Rule, new: Rule) -> list[str]:
    """Names of the fields that differ between two versions of a rule."""
    return [name for name in _COMPARED if getattr(old, name) != getattr(new, name)]


def diff_personas(a: Persona, b: Persona) -> PersonaDiff:
    """The rule-level difference from ``a`` to ``b`` (rules are matched by id).

    Args:
        a: The old persona (e.g. ``personas/x.md@HEAD~1``).
        b: The new persona.

    Returns:
        Added, removed and changed rules, and the unchanged count.
    """
    old = {r.id: r for r in a.rules}
    new = {r.id: r for r in b.rules}
    changed = tuple((old[r.id], r) for r in b.rules if r.id in old and changed_fields(old[r.id], r))
    pairs = reworded_pairs([r.to_dict() for r in a.rules], [r.to_dict() for r in b.rules])
    paired_old = {x for x, _, _ in pairs}
    paired_new = {y for _, y, _ in pairs}
    return PersonaDiff(
        added=tuple(r for r in b.rules if r.id not in old and r.id not in paired_new),
        removed=tuple(r for r in a.rules if r.id not in new and r.id not in paired_old),
        changed=changed,
        unchanged=sum(1 for r in b.rules if r.id in old and not changed_fields(old[r.id], r)),
        a_ref=a.ref,
        b_ref=b.ref,
        reworded=tuple((old[x], new[y], score) for x, y, score in pairs),
        meta={
            name: (getattr(a, name), getattr(b, name))
            for name in ("name", "description", "tools", "model")
            if getattr(a, name) != getattr(b, name)
        },
        prose=_prose_diff(a, b),
    )


def _prose(persona: Persona) -> list[str]:
    """The body lines that are not part of a rule, stripped (blank lines dropped)."""
    offset = persona.text.count("\n", 0, len(persona.text) - len(_after_front(persona.text)))
    rule_lines = {r.line for r in persona.rules if r.line is not None}
    body = _after_front(persona.text).split("\n")
    return [
        line.strip()
        for number, line in enumerate(body, start=offset + 1)
        if line.strip() and number not in rule_lines
    ]


def _after_front(text: str) -> str:
    from evals.persona._markdown import split_frontmatter

    split = split_frontmatter(text)
    return split[1] if split is not None else text


def _prose_diff(a: Persona, b: Persona) -> tuple[str, ...]:
    diff = difflib.unified_diff(_prose(a), _prose(b), lineterm="", n=0)
    return tuple(line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---")))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]" if value else "(none)"
    if value is None:
        return "(none)"
    text = _one_line(str(value))
    # A code span needs a longer backtick run than any inside it (CommonMark).
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if "`" in text else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"
