"""The ``<stem>.rules.yaml`` sidecar: pinned ids, short names, rule -> grader map.

Format (version 1)::

    version: 1
    rules:
      - id: never-sql-concat                      # optional; pins the rule's id
        match: Use string concatenation for SQL queries
        section: Never Do                         # optional; any heading
        name: No SQL string building              # optional
        graders: [sql_construction]               # optional; [] = unmeasured
        llm: {model: ..., prompt: ..., reason: ...}  # written by `persona map --mapper llm`

``match`` is compared with each rule, list item and sentence after
:func:`~evals.persona._text.normalise`; ``section`` narrows it to one heading. An entry
can pin an id, name a rule, set its graders or behaviours, ``drop`` it, ``merge`` others
into it, or make any list item or sentence a rule. An entry that matches nothing is
stale: :func:`~evals.persona.parse_persona` warns and ignores it, so an old revision
never stops loading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from evals._yaml import safe_load  # re-exported: the persona loaders use it from here
from evals.errors import PersonaError

__all__ = [
    "ID_PATTERN",
    "LLMNote",
    "SidecarEntry",
    "check_graders",
    "parse_sidecar",
    "safe_load",
    "yaml_where",
]

#: What a pinned rule id may look like: lowercase words joined by ``-``, ``_`` or ``.``.
ID_PATTERN = r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"

_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class LLMNote(BaseModel):
    """``llm:`` of an entry ``evals persona map --mapper llm`` wrote: who decided, and why.

    An entry with ``llm:`` is the model's proposal, shown as "by llm" until a person
    reviews it and removes the key (or edits the entry).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: _Text
    prompt: _Text
    reason: _Text


class SidecarEntry(BaseModel):
    """One entry of ``rules:`` in a sidecar."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    match: _Text
    id: Annotated[str, StringConstraints(pattern=ID_PATTERN)] | None = None
    section: _Text | None = None
    name: _Text | None = None
    #: ``None``: graders follow from the rule's behaviours; ``[]``: unmeasured on purpose.
    graders: tuple[_Text, ...] | None = None
    #: Overrides what the matcher says the rule asks for.
    behaviours: tuple[_Text, ...] | None = None
    #: ``true``: the matched text is not a rule.
    drop: bool = False
    #: Other rules (by id or text) folded into this one.
    merge: tuple[_Text, ...] = ()
    #: Ids of earlier rules this one rewords (keeps their history joined in diffs).
    reworded_from: tuple[Annotated[str, StringConstraints(pattern=ID_PATTERN)], ...] = ()
    #: ``true``: never pair this rule with an earlier one as a rewording.
    new: bool = False
    #: Why the entry exists (e.g. the mapper's reasoning); not interpreted.
    note: str | None = None
    #: Set when the LLM mapper wrote the entry (unreviewed).
    llm: LLMNote | None = None

    def label(self, index: int) -> str:
        """``rules[3] (id 'x')`` or ``rules[3] (match '…')``: how errors name the entry."""
        what = f"id {self.id!r}" if self.id else f"match {self.match!r}"
        return f"rules[{index}] ({what})"


class _SidecarFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    rules: list[SidecarEntry] = Field(default_factory=list)


def parse_sidecar(text: str, *, source: str) -> tuple[SidecarEntry, ...]:
    """Validate sidecar YAML and return its entries.

    Args:
        text: The sidecar file's text.
        source: How errors name the file (a path, or ``path@rev``).

    Returns:
        The entries in file order; ``()`` for an empty file.

    Raises:
        PersonaError: Invalid YAML, or an entry that does not fit the format.
    """
    try:
        data: Any = safe_load(text)
    except yaml.YAMLError as exc:
        raise PersonaError(
            f"invalid YAML {yaml_where(exc)}; fix the sidecar", path=source
        ) from None
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise PersonaError(
            f"the sidecar must be a mapping with `version: 1` and `rules:`, "
            f"not a {type(data).__name__}",
            path=source,
        )
    try:
        parsed = _SidecarFile.model_validate(data)
    except ValidationError as exc:
        raise _one_line(exc, data, source) from None
    return tuple(parsed.rules)


def check_graders(entries: Iterable[SidecarEntry], known: Iterable[str], *, source: str) -> None:
    """Raise if an entry names a grader not in ``known``.

    Raises:
        PersonaError: Naming the sidecar, the entry, the unknown grader and the known ones.
    """
    names = sorted(set(known))
    for index, entry in enumerate(entries):
        for grader in entry.graders or ():
            if grader not in names:
                raise PersonaError(
                    f"unknown grader {grader!r}; known graders: {', '.join(names)}",
                    path=source,
                    field=f"{entry.label(index)}: graders",
                )


def yaml_where(exc: yaml.YAMLError, offset: int = 0) -> str:
    """Where a YAML error is: ``at line N, column M (problem)``; ``offset`` shifts lines."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return f"({problem})"
    return f"at line {mark.line + 1 + offset}, column {mark.column + 1} ({problem})"


_MESSAGES = {
    "list_type": "must be a YAML list of entries (`- match: ...`)",
    "tuple_type": "must be a YAML list, e.g. `graders: [judge]`",
    "dict_type": "must be a mapping with `match:` (and optional id, section, name, graders)",
    "model_type": "must be a mapping with `match:` (and optional id, section, name, graders)",
    "string_too_short": "must not be empty",
    "string_type": "must be a string; quote it",
}


def _one_line(exc: ValidationError, data: dict[str, Any], source: str) -> PersonaError:
    error = exc.errors()[0]
    loc = [str(x) for x in error["loc"]]
    where = ".".join(loc) or "top level"
    if len(loc) >= 2 and loc[0] == "rules" and loc[1].isdigit():
        index = int(loc[1])
        raw = data.get("rules") or []
        entry = raw[index] if isinstance(raw, list) and index < len(raw) else None
        label = f"rules[{index}]"
        if isinstance(entry, dict) and isinstance(entry.get("id") or entry.get("match"), str):
            key = "id" if entry.get("id") else "match"
            label += f" ({key} {entry[key]!r})"
        where = ": ".join([label, *loc[2:3]]) if loc[2:] else label
    kind = error["type"]
    message = _MESSAGES.get(kind, error["msg"])
    if kind == "extra_forbidden":
        message = (
            "unknown key; allowed keys: id, match, section, name, graders, behaviours, "
            "drop, merge, reworded_from, new, note, llm"
        )
        if loc and loc[0] != "rules":
            message = "unknown key; allowed keys: version, rules"
    elif kind == "missing":
        message = f"required; add `{loc[-1]}:` to the entry"
    elif kind == "string_pattern_mismatch":
        message = (
            f"{error['input']!r} is not a valid rule id; use lowercase words "
            "joined by '-' (e.g. never-sql-concat)"
        )
    elif kind == "literal_error" and loc == ["version"]:
        message = "unsupported sidecar version; use `version: 1`"
    return PersonaError(re.sub(r"\s+", " ", message), path=source, field=where)
