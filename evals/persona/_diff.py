"""Compare two personas (or two revisions of one) rule by rule, matched by id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

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

    @property
    def empty(self) -> bool:
        """True when no rule was added, removed or changed."""
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        """``"1 added, 0 removed, 2 changed, 13 unchanged"``."""
        return (
            f"{len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.changed)} changed, {self.unchanged} unchanged"
        )

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
    new_ids = {r.id for r in b.rules}
    changed = tuple((old[r.id], r) for r in b.rules if r.id in old and changed_fields(old[r.id], r))
    return PersonaDiff(
        added=tuple(r for r in b.rules if r.id not in old),
        removed=tuple(r for r in a.rules if r.id not in new_ids),
        changed=changed,
        unchanged=sum(1 for r in b.rules if r.id in old and not changed_fields(old[r.id], r)),
        a_ref=a.ref,
        b_ref=b.ref,
    )


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
