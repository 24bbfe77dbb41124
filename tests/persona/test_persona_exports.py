"""The public surface of evals.persona is pinned: changing it is a deliberate act."""

from __future__ import annotations

import evals.persona


def test_exported_members() -> None:
    assert evals.persona.__all__ == [
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
    for name in evals.persona.__all__:
        assert getattr(evals.persona, name) is not None
