"""Rule -> behaviours -> graders: how each rule of any persona gets measured."""

from __future__ import annotations

from collections.abc import Mapping

from evals.persona._apply import Draft
from evals.persona._behaviours import BEHAVIOURS, judgeable, match_behaviours
from evals.persona._model import Rule

__all__ = ["map_rule"]


def map_rule(draft: Draft, measures: Mapping[str, tuple[str, ...]]) -> Rule:
    """The finished rule: behaviours from the sidecar or the matcher, then graders.

    Graders named in the sidecar win (``mapping`` ``llm`` when an unreviewed LLM entry
    named them); otherwise every grader that measures one of the
    rule's behaviours; otherwise the judge when the rule is :func:`judgeable`;
    otherwise none ("unmeasured").
    """
    if draft.behaviours is not None:
        behaviours = tuple(draft.behaviours)
    else:
        found = [b for b, _ in match_behaviours(draft.text)]
        found += [b.id for b in BEHAVIOURS if draft.id in b.default_rules]
        behaviours = tuple(dict.fromkeys(found))
    if draft.graders is not None:
        graders, mapping = draft.graders, "sidecar" if draft.llm_model is None else "llm"
    else:
        graders = tuple(g for g, bs in measures.items() if set(bs) & set(behaviours))
        mapping = "matcher" if graders else "unmeasured"
        if not graders and judgeable(draft.text):
            graders, mapping = ("judge",), "judge"
    return Rule(
        id=draft.id,
        section=draft.section,
        text=draft.text,
        polarity=draft.polarity,
        name=draft.name,
        graders=graders,
        line=draft.line,
        behaviours=behaviours,
        mapping=mapping,
        kind=draft.kind,
        merged=draft.merged,
        reworded_from=draft.reworded_from,
        claimed=draft.claimed_by is not None,
    )
