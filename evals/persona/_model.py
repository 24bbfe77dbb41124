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
        graders: Graders that measure the rule; ``()`` = unmeasured.
        line: 1-based line of the rule in the persona file.
        behaviours: What the rule asks for (``evals.persona._behaviours``).
        mapping: How ``graders`` were chosen: ``sidecar`` (named there), ``matcher``
            (graders measuring the rule's behaviours), ``llm`` (named by an unreviewed
            entry the LLM mapper wrote), ``judge`` (no behaviour, but a reader of the
            code can judge it) or ``unmeasured``.
        kind: ``bullet``, ``step`` or ``sentence``: what the rule was read from.
        merged: Ids of rules the sidecar merged into this one.
        reworded_from: Ids this rule was pinned as a rewording of (sidecar).
        claimed: A sidecar entry names this rule (``evals persona map`` leaves it alone).
    """

    id: str
    section: str
    text: str
    polarity: Polarity
    name: str | None = None
    graders: tuple[str, ...] = ()
    line: int | None = None
    behaviours: tuple[str, ...] = ()
    mapping: str = "sidecar"
    kind: str = "bullet"
    merged: tuple[str, ...] = ()
    reworded_from: tuple[str, ...] = ()
    claimed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: id, section, text, polarity, name, graders."""
        return {
            "id": self.id,
            "section": self.section,
            "text": self.text,
            "polarity": self.polarity,
            "name": self.name,
            "graders": list(self.graders),
            "line": self.line,
            "behaviours": list(self.behaviours),
            "mapping": self.mapping,
            "kind": self.kind,
            "merged": list(self.merged),
            "reworded_from": list(self.reworded_from),
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
        model: Frontmatter ``model`` (``None`` when absent).
        warnings: What was read leniently or ignored (invalid YAML read as Claude Code
            reads it, stale sidecar entries, merged duplicates), one line each.
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
    model: str | None = None
    warnings: tuple[str, ...] = ()

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

    def coverage(self) -> float:
        """Share of rules some grader (or the judge) measures, in [0, 1]."""
        return (len(self.rules) - len(self.unmeasured())) / len(self.rules) if self.rules else 0.0

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
            "model": self.model,
            "warnings": list(self.warnings),
            "sidecar": str(self.sidecar) if self.sidecar is not None else None,
            "rules": [r.to_dict() for r in self.rules],
        }
