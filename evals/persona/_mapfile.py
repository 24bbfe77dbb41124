"""``evals persona map``: write the matcher's decisions into the sidecar for review.

Each rule not yet named by a sidecar entry becomes an entry pinning its id, its
behaviours and its graders, with a ``note`` saying which words decided it. Reviewing
that file is reviewing the mapping; once written, the ids are pinned (a later
rewording keeps them through the fuzzy match) and the decisions no longer depend on
matcher changes. Comments and existing entries are kept: entries are appended.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from evals.persona._behaviours import match_behaviours
from evals.persona._model import Persona

__all__ = ["append_entries", "mapping_entries"]


def mapping_entries(persona: Persona) -> list[dict[str, Any]]:
    """Sidecar entries for the rules whose graders no sidecar entry chose."""
    out: list[dict[str, Any]] = []
    for rule in persona.rules:
        if rule.mapping == "sidecar":
            continue
        words = "; ".join(f"{b}: {w!r}" for b, w in match_behaviours(rule.text))
        why = {
            "matcher": f"matcher ({words})",
            "judge": "no behaviour; judgeable, so the judge grades it with its own text",
            "unmeasured": "no behaviour and not judgeable: unmeasured",
        }.get(rule.mapping, rule.mapping)
        entry: dict[str, Any] = {"id": rule.id}
        if rule.section:
            entry["section"] = rule.section
        entry["match"] = rule.text.split("\n", 1)[0]
        entry["behaviours"] = list(rule.behaviours)
        entry["graders"] = list(rule.graders)
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
