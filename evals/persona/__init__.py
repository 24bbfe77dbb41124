"""Persona specs -> rules with stable ids.

A persona is a markdown file with YAML frontmatter (``name``, ``description``,
``tools``, ``model``), read as tolerantly as Claude Code reads subagent files. Every
bullet under its ``Always Do`` / ``Never Do`` headings, and every other list item,
numbered step or sentence that directs behaviour, is a :class:`Rule`. Rules map to
behaviours by what they say, and behaviours to the graders that measure them; a
``<stem>.rules.yaml`` sidecar pins ids, names, graders and behaviours, and can add,
drop or merge rules. See ``docs/persona.md``.

    >>> persona = load_persona("personas/backend-engineer.md@HEAD")
    >>> persona.rule("never-sql-concat").graders
    ('sql_construction',)
"""

from evals.persona._behaviours import (
    BEHAVIOURS,
    Behaviour,
    behaviours_of_rule_ids,
    judgeable,
    match_behaviours,
)
from evals.persona._coverage import (
    SuiteCoverage,
    suite_coverage,
    tempted_behaviours,
    tempted_rules,
)
from evals.persona._diff import PersonaDiff, changed_fields, diff_personas
from evals.persona._lineage import lineage, reworded_pairs
from evals.persona._load import load_persona, sidecar_path
from evals.persona._model import Persona, Polarity, Rule
from evals.persona._parse import RULE_SECTIONS, parse_persona
from evals.persona._similar import REWORD_THRESHOLD, pair_rewordings, similarity
from evals.persona._text import normalise, slug

__all__ = [
    "BEHAVIOURS",
    "REWORD_THRESHOLD",
    "RULE_SECTIONS",
    "Behaviour",
    "Persona",
    "PersonaDiff",
    "Polarity",
    "Rule",
    "SuiteCoverage",
    "behaviours_of_rule_ids",
    "changed_fields",
    "diff_personas",
    "judgeable",
    "lineage",
    "load_persona",
    "match_behaviours",
    "normalise",
    "pair_rewordings",
    "parse_persona",
    "reworded_pairs",
    "sidecar_path",
    "similarity",
    "slug",
    "suite_coverage",
    "tempted_behaviours",
    "tempted_rules",
]
