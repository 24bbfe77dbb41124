"""Follow rules across revisions: which id a rule had before it was reworded.

A rule keeps its id while its text keeps its slug (or its id is pinned). When the
text is reworded and the id was not pinned, the id changes: the old rule looks
removed and the new one added. :func:`reworded_pairs` pairs them again, first by the
sidecar's ``reworded_from``, then by text :func:`~evals.persona._similar.similarity`
(at or above :data:`~evals.persona._similar.REWORD_THRESHOLD`, each rule used once).
:func:`lineage` chains the pairs over many revisions so a trend joins each old id to
the newest one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from evals.persona._similar import pair_rewordings

__all__ = ["lineage", "reworded_pairs"]

RuleLike = Mapping[str, Any]  # a rule's to_dict(): id, text, reworded_from


def reworded_pairs(
    old: Sequence[RuleLike], new: Sequence[RuleLike]
) -> list[tuple[str, str, float | None]]:
    """``(old id, new id, score)`` for rules of ``new`` that reword a rule of ``old``.

    Only rules whose id disappeared are candidates on the old side, and only rules with
    a new id on the new side. ``score`` is ``None`` when the sidecar's ``reworded_from``
    said so; a rule whose sidecar entry says ``new: true`` has an empty
    ``reworded_from`` and is still paired by text unless nothing is similar enough.
    """
    old_ids = {r["id"] for r in old}
    new_ids = {r["id"] for r in new}
    removed = [r for r in old if r["id"] not in new_ids]
    added = [r for r in new if r["id"] not in old_ids]
    pairs: list[tuple[str, str, float | None]] = []
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    for rule in added:
        for previous in rule.get("reworded_from") or ():
            if previous in {r["id"] for r in removed} and previous not in taken_old:
                pairs.append((previous, rule["id"], None))
                taken_old.add(previous)
                taken_new.add(rule["id"])
                break
    rest_old = [r for r in removed if r["id"] not in taken_old]
    rest_new = [r for r in added if r["id"] not in taken_new]
    for i, j, score in pair_rewordings(
        [str(r["text"]) for r in rest_old], [str(r["text"]) for r in rest_new]
    ):
        pairs.append((rest_old[i]["id"], rest_new[j]["id"], score))
    return pairs


def lineage(revisions: Sequence[Sequence[RuleLike]]) -> list[dict[str, str]]:
    """For each revision, old id -> the id the rule has in the last revision.

    Args:
        revisions: The rules of each revision, oldest first.

    Returns:
        One mapping per revision; ids without a successor map to themselves.
    """
    maps: list[dict[str, str]] = [{} for _ in revisions]
    if not revisions:
        return maps
    maps[-1] = {r["id"]: r["id"] for r in revisions[-1]}
    for index in range(len(revisions) - 2, -1, -1):
        step: dict[str, str] = {
            a: b for a, b, _ in reworded_pairs(revisions[index], revisions[index + 1])
        }
        later = maps[index + 1]
        current: dict[str, str] = {}
        for rule in revisions[index]:
            rule_id = str(rule["id"])
            successor = step.get(rule_id, rule_id)
            current[rule_id] = later.get(successor, successor)
        maps[index] = current
    return maps
