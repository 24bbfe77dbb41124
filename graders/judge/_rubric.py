"""Rule rubrics (``rubrics.yaml``) and the jinja2 prompts built from them.

The candidate's files are untrusted: they are rendered between markers carrying a
nonce derived from their content, so an answer cannot close the block early without
predicting a hash of itself. Autoescaping is off on purpose: the judge must see the code
exactly as written, or quotes could not be copied verbatim.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jinja2
import yaml

from evals.errors import GraderError

__all__ = [
    "RUBRICS_PATH",
    "TOOL_NAME",
    "Rubric",
    "files_nonce",
    "load_rubrics",
    "render_prompt",
    "rubric_for",
    "verdicts_tool",
]

HERE = Path(__file__).parent
RUBRICS_PATH = HERE / "rubrics.yaml"
TOOL_NAME = "record_verdicts"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=False,  # noqa: S701 - prompts, not HTML; code must reach the judge verbatim
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=False,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Rubric:
    """What the judge is told about one rule."""

    id: str
    text: str
    pass_: str
    fail: str
    not_applicable: str
    scope: Literal["every-task", "declared"] = "declared"


@cache
def load_rubrics(path: Path = RUBRICS_PATH) -> dict[str, Rubric]:
    """Rule id -> :class:`Rubric` from ``rubrics.yaml``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[str, Rubric] = {}
    for rule_id, entry in (data.get("rules") or {}).items():
        try:
            out[rule_id] = Rubric(
                id=rule_id,
                text=str(entry["text"]),
                pass_=str(entry["pass"]),
                fail=str(entry["fail"]),
                not_applicable=str(entry.get("not_applicable", "never")),
                scope=entry.get("scope", "declared"),
            )
        except KeyError as exc:
            raise GraderError(
                f"rule {rule_id} lacks {exc.args[0]!r}; add it", path=path, field="rules"
            ) from exc
    return out


def rubric_for(rule_id: str, extra: Mapping[str, Any] | None = None) -> Rubric | None:
    """The rubric for ``rule_id``: ``extra`` (grader option ``rules``) overrides the file.

    ``extra[rule_id]`` is either a string (the rule text; generic pass/fail meanings) or a
    mapping with ``text``, ``pass``, ``fail``, ``not_applicable`` and ``scope``.
    """
    custom = (extra or {}).get(rule_id)
    if isinstance(custom, str):
        return Rubric(
            id=rule_id,
            text=custom,
            pass_="The output follows the rule.",
            fail="The output breaks the rule somewhere it matters.",
            not_applicable="Nothing in the output is covered by the rule.",
        )
    if isinstance(custom, Mapping):
        return Rubric(
            id=rule_id,
            text=str(custom["text"]),
            pass_=str(custom.get("pass", "The output follows the rule.")),
            fail=str(custom.get("fail", "The output breaks the rule.")),
            not_applicable=str(custom.get("not_applicable", "Nothing is covered by the rule.")),
            scope=custom.get("scope", "declared"),
        )
    return load_rubrics().get(rule_id)


def files_nonce(files: Mapping[str, str]) -> str:
    """16 hex digits of sha256 over the files (canonical JSON): the delimiter nonce."""
    canon = json.dumps(dict(sorted(files.items())), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canon.encode()).hexdigest()[:16]


def text_nonce(text: str) -> str:
    """16 hex digits of sha256 over one text (pairwise outputs)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def render_prompt(
    rules: Sequence[Rubric], task_prompt: str, files: Mapping[str, str]
) -> tuple[str, str]:
    """``(system, user)`` messages asking the judge to grade ``rules`` on ``files``."""
    nonce = files_nonce(files)
    system = _env.get_template("system.j2").render(tool_name=TOOL_NAME)
    user = _env.get_template("rubric.j2").render(
        task_prompt=task_prompt.strip() or "(not given)",
        rules=list(rules),
        files=sorted(files.items()),
        nonce=nonce,
        tool_name=TOOL_NAME,
    )
    return system, user


def render_pairwise(
    rule: Rubric, task_prompt: str, output_a: str, output_b: str, tool_name: str
) -> tuple[str, str]:
    """``(system, user)`` messages asking which of two outputs follows ``rule`` better."""
    system = _env.get_template("pairwise_system.j2").render(tool_name=tool_name)
    user = _env.get_template("pairwise.j2").render(
        task_prompt=task_prompt.strip() or "(not given)",
        rule=rule,
        output_a=output_a,
        output_b=output_b,
        nonce_a=text_nonce(output_a),
        nonce_b=text_nonce(output_b),
        tool_name=tool_name,
    )
    return system, user


def verdicts_tool(rule_ids: Sequence[str]) -> dict[str, Any]:
    """The ``record_verdicts`` tool (Anthropic JSON shape): one entry per rule."""
    return {
        "name": TOOL_NAME,
        "description": "Record one verdict per rule for the candidate output.",
        "input_schema": {
            "type": "object",
            "properties": {
                "verdicts": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "rule_id": {"type": "string", "enum": list(rule_ids)},
                            "verdict": {
                                "type": "string",
                                "enum": ["pass", "fail", "not_applicable"],
                            },
                            "reason": {"type": "string"},
                            "quote": {"type": "string"},
                        },
                        "required": ["rule_id", "verdict", "reason", "quote"],
                    },
                }
            },
            "required": ["verdicts"],
        },
    }
