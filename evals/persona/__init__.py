"""Persona specs -> rules with stable ids.

A persona is a markdown file with YAML frontmatter (``name``, ``description``,
``tools``). Every bullet under its ``Always Do`` and ``Never Do`` headings is a
:class:`Rule`; a ``<stem>.rules.yaml`` sidecar pins ids, names rules, maps them to
graders, and can make bullets of other sections rules. See ``docs/persona.md``.

    >>> persona = load_persona("personas/backend-engineer.md@HEAD")
    >>> persona.rule("never-sql-concat").graders
    ('sql_construction',)
"""

from evals.persona._diff import PersonaDiff, changed_fields, diff_personas
from evals.persona._load import load_persona, sidecar_path
from evals.persona._model import Persona, Polarity, Rule
from evals.persona._parse import RULE_SECTIONS, parse_persona
from evals.persona._text import normalise, slug

__all__ = [
    "RULE_SECTIONS",
    "Persona",
    "PersonaDiff",
    "Polarity",
    "Rule",
    "changed_fields",
    "diff_personas",
    "load_persona",
    "normalise",
    "parse_persona",
    "sidecar_path",
    "slug",
]
