"""Schema 2 → 3: judge details move from ``metadata`` keys to the typed ``Grade.judge``."""

from __future__ import annotations

import json
from pathlib import Path

from evals.log import read_samples
from evals.schema import SCHEMA_VERSION, Sample

V2_JUDGE = {
    "grader": "judge",
    "rule_ids": ["always-parameterized-queries"],
    "verdict": "fail",
    "score": 0.0,
    "metadata": {
        "judge": "anthropic/claude-haiku-4-5",
        "judge_model": "claude-haiku-4-5-20251001",
        "n": 3,
        "votes": {"fail": 2, "pass": 1},
        "cost_usd": 0.0012,
        "calls": 3,
        "cached_calls": 1,
        "retries": 0,
        "kappa": 0.78,
        "second_opinion": True,
        "note": "a key no migration knows",
    },
}
V2_RULE = {"grader": "sql_construction", "rule_ids": ["never-sql-concat"], "verdict": "pass",
           "score": 1.0, "metadata": {"kappa": "not a judge's"}}  # fmt: skip


def _v2_sample(grades: list[dict[str, object]]) -> dict[str, object]:
    base = Sample(
        sample_id="s1", task_id="t", model="m/x", persona="p", persona_ref="p.md",
        persona_sha="a" * 64,
    ).model_dump(mode="json")  # fmt: skip
    return base | {"schema_version": 2, "grades": grades}


def test_v2_judge_metadata_becomes_typed_and_other_keys_stay(tmp_path: Path) -> None:
    record = _v2_sample([V2_JUDGE, V2_RULE])
    (tmp_path / "samples.jsonl").write_text(json.dumps(record) + "\n")
    (sample,) = read_samples(tmp_path)
    assert sample.schema_version == SCHEMA_VERSION
    judge, rule = sample.grades
    assert judge.judge is not None
    assert judge.judge.model == "anthropic/claude-haiku-4-5"
    assert judge.judge.served_model == "claude-haiku-4-5-20251001"
    assert (judge.judge.samples, judge.judge.votes) == (3, {"fail": 2, "pass": 1})
    assert judge.judge.cost_usd == 0.0012 and judge.judge.kappa == 0.78
    assert judge.judge.second_opinion is True
    assert (judge.judge.calls, judge.judge.cached_calls, judge.judge.retries) == (3, 1, 0)
    assert judge.metadata == {"note": "a key no migration knows"}
    # Only judge grades are touched: a rule grader's own metadata is not reinterpreted.
    assert rule.judge is None and rule.metadata == {"kappa": "not a judge's"}


def test_a_v2_judge_grade_without_details_gets_the_defaults(tmp_path: Path) -> None:
    bare = {**V2_JUDGE, "metadata": {}, "verdict": "skipped", "reason": "no judge configured"}
    (tmp_path / "samples.jsonl").write_text(json.dumps(_v2_sample([bare])) + "\n")
    (sample,) = read_samples(tmp_path)
    detail = sample.grades[0].judge
    assert detail is not None and detail.model == "" and detail.second_opinion is False
