"""The public surface of evals.persona is pinned: changing it is a deliberate act."""

from __future__ import annotations

import evals.persona


def test_exported_members() -> None:
    assert evals.persona.__all__ == [
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
    for name in evals.persona.__all__:
        assert getattr(evals.persona, name) is not None
