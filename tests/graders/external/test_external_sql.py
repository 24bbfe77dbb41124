"""sql_construction on the external corpus, beside ruff S608 and bandit B608.

The items are read from the pinned public mirrors (see ``external_corpus``); nothing
fetched is in the repository. Both splits are scored and must each reach the floors:
``heldout`` (~30% of the items, chosen by a hash of the item id) was not looked at
while the grader was being fixed.
"""

from __future__ import annotations

import pytest
from external_corpus import load_items, missing_mirrors, read_manifest, score
from external_scoring import flagged_by_bandit, flagged_by_grader, flagged_by_ruff, table

PRECISION_FLOOR = 0.95
RECALL_FLOOR = 0.90

_missing = missing_mirrors(read_manifest("sql_construction"))
pytestmark = pytest.mark.skipif(
    bool(_missing),
    reason=f"public mirrors absent (bring them with the fetch tool): {', '.join(_missing)}",
)


def test_manifest_is_labelled_split_and_pinned() -> None:
    items = read_manifest("sql_construction")
    assert len(items) >= 300
    assert {i.source for i in items} >= {"semgrep-rules", "bandit", "codeshield"}
    assert all(i.label in ("good", "bad") for i in items)
    assert all(i.label_source.startswith(("upstream:", "relabel:")) for i in items)
    assert all(len(i.commit) == 40 for i in items)
    held = sum(i.split == "heldout" for i in items) / len(items)
    assert 0.25 <= held <= 0.35


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_pooled_precision_and_recall_floor(split: str, capsys: pytest.CaptureFixture[str]) -> None:
    items = load_items("sql_construction", split)
    ours = score(items, set(flagged_by_grader("sql_construction", items)))
    rows = {
        "sql_construction": ours,
        "ruff S608": score(items, flagged_by_ruff(items)),
        "bandit B608": score(items, flagged_by_bandit(items)),
    }
    with capsys.disabled():
        print(f"\nsql_construction external corpus, split={split}\n{table(rows)}")
    pooled = ours["pooled"]
    assert pooled.precision >= PRECISION_FLOOR, table(rows)
    assert pooled.recall >= RECALL_FLOOR, table(rows)
