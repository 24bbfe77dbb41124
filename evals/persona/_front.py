"""Frontmatter read the way Claude Code reads ``.claude/agents/*.md``: tolerantly.

Claude Code parses a subagent's frontmatter as YAML and, when that fails, retries with
the values of single-line ``key: value`` pairs quoted, so the common long unquoted
``description: Use this agent ... Examples: user: "..."`` loads (anthropics/claude-code
#16916, #91871; PostHog/posthog#91631 confirms such agents load). We do the same, then
go one step further for the multi-line variant (continuation lines not indented) that
plain YAML can never read: a line-based reading where every ``key:`` line at column 0
starts a field and other lines continue the previous one. Each fallback leaves a
warning on the persona instead of failing, because the body (the system prompt and
its rules) does not depend on how the description was quoted.

Only what Claude Code itself rejects stays an error: no frontmatter block, or no
``name``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from evals.errors import PersonaError
from evals.persona._sidecar import safe_load, yaml_where

__all__ = ["Front", "read_front"]

_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$")
# A plain YAML scalar cannot hold these; Claude Code quotes such values and retries.
_SPECIAL = re.compile(r": |[{}\[\]*&#!|>%@`]| #|^['\"]|:$")
_BLOCK = re.compile(r"^[|>][+-]?\d*$")


@dataclass(frozen=True)
class Front:
    """The fields a persona needs from its frontmatter, and how they were read."""

    name: str
    description: str
    tools: tuple[str, ...]
    model: str | None
    raw: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def read_front(front_text: str, source: str) -> Front:
    """Parse frontmatter YAML tolerantly (see the module docstring).

    Args:
        front_text: The text between the ``---`` lines.
        source: How errors and warnings name the file.

    Returns:
        The fields, with a warning for every leniency that was needed.

    Raises:
        PersonaError: Not a mapping, or no usable ``name``.
    """
    warnings: list[str] = []
    try:
        data: Any = safe_load(front_text)
    except yaml.YAMLError as exc:
        where = yaml_where(exc, offset=1)
        data = _quoted_retry(front_text)
        how = "with its single-line values quoted, as Claude Code does"
        if data is None:
            data = _line_based(front_text)
            how = "line by line (continuation lines joined to the key above)"
        warnings.append(
            f"the frontmatter is not valid YAML {where}; read {how}. Quote the value "
            "(or use `description: |`) so strict YAML tools can read it too"
        )
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PersonaError(
            "the frontmatter must be a YAML mapping with at least `name:`; "
            f"got {type(data).__name__}",
            path=source,
        )
    name = data.get("name")
    if isinstance(name, int | float) and not isinstance(name, bool):
        name = str(name)
    if not isinstance(name, str) or not name.strip():
        raise PersonaError(
            "missing or empty; add `name: <persona-name>` to the frontmatter",
            path=source,
            field="name",
        )
    description = data.get("description", "")
    if description is None:
        description = ""
    if not isinstance(description, str):
        warnings.append(f"description: expected a string, got {type(description).__name__}")
        description = json.dumps(description, ensure_ascii=False, default=str)
    model = data.get("model")
    return Front(
        name=name.strip().splitlines()[0].strip(),
        description=description.strip(),
        tools=_tools(data.get("tools"), warnings),
        model=str(model).strip() if model not in (None, "") else None,
        raw=data,
        warnings=tuple(warnings),
    )


def _tools(tools: Any, warnings: list[str]) -> tuple[str, ...]:
    if tools is None:
        return ()
    if isinstance(tools, str):
        return tuple(t.strip() for t in tools.split(",") if t.strip())
    if isinstance(tools, list) and all(isinstance(t, str) for t in tools):
        return tuple(t.strip() for t in tools if t.strip())
    warnings.append(
        "tools: expected a list of tool names or a comma-separated string; ignored "
        "(Claude Code then offers all tools)"
    )
    return ()


def _quoted_retry(front_text: str) -> dict[str, Any] | None:
    """Quote every single-line top-level value YAML may choke on, and parse again."""
    lines = []
    for line in front_text.split("\n"):
        match = _KEY.match(line)
        value = match.group(2) if match else None
        risky = bool(value and not _BLOCK.match(value) and _SPECIAL.search(value))
        if match and value and risky and not (value[0] in "[{" and _valid_flow(value)):
            line = f"{match.group(1)}: {json.dumps(value, ensure_ascii=False)}"
        lines.append(line)
    try:
        data = safe_load("\n".join(lines))
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def _valid_flow(value: str) -> bool:
    try:
        return isinstance(safe_load(value), list | dict)
    except yaml.YAMLError:
        return False


def _line_based(front_text: str) -> dict[str, Any]:
    """Last resort: ``key: value`` lines at column 0; other lines continue the value."""
    data: dict[str, Any] = {}
    key: str | None = None
    for line in front_text.split("\n"):
        match = _KEY.match(line) if not line[:1].isspace() else None
        if match and match.group(1) not in data:
            key = match.group(1)
            data[key] = _scalar(match.group(2) or "")
        elif key is not None and line.strip():
            previous = data[key]
            text = previous if isinstance(previous, str) else str(previous or "")
            data[key] = f"{text}\n{line.strip()}".strip()
    return data


def _scalar(value: str) -> Any:
    """A single value as YAML would read it when it can, else the text itself."""
    try:
        parsed = safe_load(value)
    except yaml.YAMLError:
        return value.strip().strip("\"'")
    return parsed if isinstance(parsed, str | list | int | float) else value.strip()
