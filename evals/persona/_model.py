"""The persona as data: :class:`Rule` and :class:`Persona` (frozen specs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from evals.errors import PersonaError

__all__ = ["Persona", "Polarity", "Rule"]

Polarity = Literal["always", "never", "other"]


@dataclass(frozen=True)
class Rule:
    """One checkable statement of a persona.

    Attributes:
        id: Stable id: a slug of the text (``always-…`` / ``never-…``) or pinned by
            the sidecar.
        section: The heading the bullet sits under, e.g. ``"Always Do"``.
        text: The bullet text as written (markdown kept, list marker removed).
        polarity: ``always`` / ``never`` for those sections, ``other`` for bullets
            made rules by the sidecar.
        name: Short name from the sidecar.
        graders: Graders that measure the rule (from the sidecar); ``()`` = unmeasured.
    """

    id: str
    section: str
    text: str
    polarity: Polarity
    name: str | None = None
    graders: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: id, section, text, polarity, name, graders."""
        return {
            "id": self.id,
            "section": self.section,
            "text": self.text,
            "polarity": self.polarity,
            "name": self.name,
            "graders": list(self.graders),
        }


@dataclass(frozen=True)
class Persona:
    """A parsed persona file (one revision of it) and its rules.

    Attributes:
        name: Frontmatter ``name``.
        description: Frontmatter ``description`` (``""`` when absent).
        tools: Frontmatter ``tools`` (a YAML list or a comma-separated string).
        ref: The reference as given: ``personas/x.md`` or ``personas/x.md@HEAD~1``.
        path: The file path part of ``ref``.
        rev: The git revision part of ``ref``, or ``None`` for the working tree.
        text: The full file text.
        body: The system prompt: the text after the frontmatter, without leading
            blank lines or trailing whitespace.
        sha256: Hex SHA-256 of ``text`` (UTF-8).
        sections: Heading title -> text under it, subsections included; repeated
            titles are joined by a blank line.
        rules: Always Do / Never Do rules in file order, then the other rules the
            sidecar adds, in file order.
        sidecar: The ``.rules.yaml`` file that was applied, if any.
    """

    name: str
    description: str
    tools: tuple[str, ...]
    ref: str
    path: Path
    rev: str | None
    text: str
    body: str
    sha256: str
    sections: dict[str, str] = field(hash=False)
    rules: tuple[Rule, ...]
    sidecar: Path | None = None

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id``.

        Raises:
            PersonaError: No rule has that id.
        """
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        known = ", ".join(r.id for r in self.rules)
        raise PersonaError(
            f"no rule {rule_id!r} in persona {self.name}; its rules are: {known}", path=self.ref
        )

    def rules_for_grader(self, grader: str) -> tuple[str, ...]:
        """Ids of the rules mapped to ``grader``, in document order."""
        return tuple(r.id for r in self.rules if grader in r.graders)

    def graders(self) -> tuple[str, ...]:
        """Every grader some rule is mapped to, sorted."""
        return tuple(sorted({g for r in self.rules for g in r.graders}))

    def unmeasured(self) -> tuple[Rule, ...]:
        """Rules no grader measures."""
        return tuple(r for r in self.rules if not r.graders)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary: identity, description, tools, sidecar and rules."""
        return {
            "name": self.name,
            "ref": self.ref,
            "path": str(self.path),
            "rev": self.rev,
            "sha256": self.sha256,
            "description": self.description,
            "tools": list(self.tools),
            "sidecar": str(self.sidecar) if self.sidecar is not None else None,
            "rules": [r.to_dict() for r in self.rules],
        }
