"""``evals persona map``: write the mapper's decisions into the sidecar for review.

Each rule no sidecar entry names yet becomes an entry pinning its id, its behaviours
and its graders, with a ``note`` saying which words decided it (the deterministic
matcher) or an ``llm: {model, prompt, reason}`` block (the LLM mapper,
:mod:`evals.persona._llmmap`). A rule some entry already names is never touched: a
person's entry is never overridden. Reviewing
that file is reviewing the mapping; once written, the ids are pinned (a later
rewording keeps them through the fuzzy match) and the decisions no longer depend on
matcher changes. Comments and existing entries are kept: entries are appended.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from evals.persona._behaviours import match_behaviours
from evals.persona._llmmap import PROMPT_VERSION, LLMDecision, graders_for
from evals.persona._model import Persona, Rule

__all__ = ["append_entries", "llm_entries", "mapping_entries", "unclaimed"]


def unclaimed(persona: Persona) -> list[Rule]:
    """The rules no sidecar entry names: the only ones a mapper may write entries for."""
    return [r for r in persona.rules if not r.claimed]


def _entry(rule: Rule, behaviours: list[str], graders: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": rule.id}
    if rule.section:
        entry["section"] = rule.section
    entry["match"] = rule.text.split("\n", 1)[0]
    entry["behaviours"] = behaviours
    entry["graders"] = graders
    return entry


def llm_entries(
    persona: Persona,
    decisions: list[LLMDecision],
    measures: Mapping[str, tuple[str, ...]],
) -> list[dict[str, Any]]:
    """Sidecar entries for the LLM mapper's decisions, marked ``llm:`` for review."""
    by_id = {r.id: r for r in unclaimed(persona)}
    out: list[dict[str, Any]] = []
    for decision in decisions:
        rule = by_id[decision.rule_id]
        special = decision.behaviours in (("judge",), ("unmeasured",))
        entry = _entry(
            rule,
            [] if special else list(decision.behaviours),
            list(graders_for(decision.behaviours, measures)),
        )
        entry["llm"] = {
            "model": decision.model,
            "prompt": PROMPT_VERSION,
            "reason": decision.reason,
        }
        out.append(entry)
    return out


def mapping_entries(persona: Persona) -> list[dict[str, Any]]:
    """Sidecar entries for the deterministic matcher's decisions on unclaimed rules."""
    out: list[dict[str, Any]] = []
    for rule in unclaimed(persona):
        words = "; ".join(f"{b}: {w!r}" for b, w in match_behaviours(rule.text))
        why = {
            "matcher": f"matcher ({words})",
            "judge": "no behaviour; judgeable, so the judge grades it with its own text",
            "unmeasured": "no behaviour and not judgeable: unmeasured",
        }.get(rule.mapping, rule.mapping)
        entry = _entry(rule, list(rule.behaviours), list(rule.graders))
        entry["note"] = why
        out.append(entry)
    return out


def append_entries(sidecar: Path, entries: list[dict[str, Any]]) -> None:
    """Append ``entries`` to the sidecar's ``rules:`` (creating the file if needed)."""
    block = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100)
    indented = "".join(f"  {line}\n" for line in block.splitlines())
    text = sidecar.read_text(encoding="utf-8") if sidecar.is_file() else ""
    data = yaml.safe_load(text) if text.strip() else None
    lines = text.splitlines()
    top = [i for i, line in enumerate(lines) if line[:1].isalpha()]
    if data is None:
        text = "version: 1\nrules:\n" + indented
    elif "rules" not in data:
        text = text.rstrip("\n") + "\nrules:\n" + indented
    elif top and lines[top[-1]].rstrip() == "rules:":
        text = text.rstrip("\n") + "\n" + indented  # rules: is the last key: append
    else:  # an unusual layout (flow list, rules not last): rewrite it whole
        data["rules"] = list(data.get("rules") or []) + entries
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    sidecar.write_text(text, encoding="utf-8")
