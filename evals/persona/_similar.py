"""How alike two rule texts are, to follow a rule across a rewording.

The score is ``0.6 * J + 0.4 * R`` where ``J`` is the Jaccard index of the two texts'
content-word stems (stop words dropped, ``-ing``/``-ed``/``-s`` and similar endings
stripped) and ``R`` is :class:`difflib.SequenceMatcher`'s ratio over the normalised
texts (averaged over both argument orders, so the score is symmetric). ``J`` carries
meaning (which things the rule talks about, whatever their order or inflection:
"Never concatenate SQL strings" vs "SQL must not be built by concatenation"); ``R``
breaks ties between rules sharing words but saying them differently. Both are in
[0, 1], symmetric, and need no model.

:data:`REWORD_THRESHOLD` was chosen on a labelled set of rewordings and of distinct
rules from the same persona (``tests/persona/test_persona_similar.py`` asserts no
distinct pair reaches it and every labelled rewording does). Measured: the lowest
labelled rewording scores 0.48, the highest pair of distinct shipped rules 0.255; 0.45
sits near the rewordings' end on purpose, because merging two different rules' history
is worse than reporting a rewording as removed + added (which the sidecar's
``reworded_from`` can still join). A pair is only reported when it is also each text's
best remaining match.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from evals.persona._text import normalise, words

__all__ = ["REWORD_THRESHOLD", "pair_rewordings", "similarity"]

#: At or above this score two rule texts are "probably the same rule, reworded".
REWORD_THRESHOLD = 0.45

_STOP = frozenset(
    """
    a an the and or but of to in on for with by at from as is are be been being it its
    this that these those your you we our their them they any all each every some no not
    never always do dont does must should shall will can may might when where which who
    what how than then so such into onto over under about use using used make sure
    """.split()  # noqa: SIM905 - a word list reads better as text
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly", "ment")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) >= len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def stems(text: str) -> frozenset[str]:
    """The content-word stems of ``text``."""
    return frozenset(_stem(w) for w in words(text) if w not in _STOP)


def similarity(a: str, b: str) -> float:
    """``0.6 * Jaccard(stems) + 0.4 * SequenceMatcher ratio`` (see the module docstring)."""
    sa, sb = stems(a), stems(b)
    jaccard = len(sa & sb) / len(sa | sb) if sa | sb else 0.0
    na, nb = normalise(a), normalise(b)
    # SequenceMatcher's ratio depends on argument order; the mean of both is symmetric.
    ratio = (
        difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio()
        + difflib.SequenceMatcher(None, nb, na, autojunk=False).ratio()
    ) / 2
    return round(0.6 * jaccard + 0.4 * ratio, 3)


def pair_rewordings(
    old: Sequence[str], new: Sequence[str], *, threshold: float = REWORD_THRESHOLD
) -> list[tuple[int, int, float]]:
    """Pair old texts with new ones that are probably rewordings of them.

    Greedy by score: the best-scoring pair is taken first, and each text is used once,
    so a pair is always each side's best remaining match.

    Returns:
        ``(old index, new index, score)`` triples, best first.
    """
    scored = sorted(
        ((similarity(a, b), i, j) for i, a in enumerate(old) for j, b in enumerate(new)),
        reverse=True,
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for score, i, j in scored:
        if score < threshold:
            break
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((i, j, score))
    return pairs
