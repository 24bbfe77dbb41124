from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import evals
from evals.errors import RunLogError
from evals.schema import Evidence, Grade, Manifest, Sample
from reports.frame import COLUMNS, load_run, load_runs, read_sample, scan_run


def _sample(sid: str, task: str = "t1", epoch: int = 0, **kw: object) -> Sample:
    base: dict[str, object] = dict(
        sample_id=sid,
        task_id=task,
        model="oracle/gold",
        persona="p",
        persona_ref="p.md",
        persona_sha="a" * 64,
        epoch=epoch,
        output="print('hi')",
        cost_usd=0.01,
    )
    base.update(kw)
    return Sample.model_validate(base)


def _write(run: Path, samples: list[Sample], tail: str = "") -> Path:
    run.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(run_id=run.name, harness_version="0")
    (run / "manifest.json").write_text(manifest.model_dump_json())
    lines = "".join(s.model_dump_json() + "\n" for s in samples)
    (run / "samples.jsonl").write_text(lines + tail)
    return run


def test_one_row_per_grade_and_rule(tmp_path: Path) -> None:
    g1 = Grade(
        grader="sql_construction",
        rule_ids=["never-sql-concat", "always-parameterized-queries"],
        verdict="fail",
        score=0.0,
        evidence=[Evidence(message="concat", file="a.py", line=3)],
    )
    g2 = Grade(grader="lint", rule_ids=["commands-lint"], verdict="pass", score=1.0)
    run = _write(tmp_path / "r", [_sample("s1", grades=[g1, g2])])
    df = load_run(run)
    assert list(df.columns) == COLUMNS
    assert len(df) == 3
    assert sorted(df["rule"].astype(str)) == [
        "always-parameterized-queries",
        "commands-lint",
        "never-sql-concat",
    ]
    sql = df[df["grader"] == "sql_construction"]
    assert set(sql["verdict"]) == {"fail"} and set(sql["n_evidence"]) == {1}
    assert df["persona_revision"].iloc[0] == "a" * 12
    assert df["run"].iloc[0] == "r"


def test_infra_error_sample_is_one_row_without_verdict(tmp_path: Path) -> None:
    bad = _sample("s2", status="infra_error", error="provider timeout")
    run = _write(tmp_path / "r", [bad])
    df = load_run(run)
    assert len(df) == 1
    row = df.iloc[0]
    assert row["status"] == "infra_error" and pd.isna(row["verdict"]) and pd.isna(row["rule"])
    assert row["error"] == "provider timeout"


def test_truncated_last_line_is_ignored_with_a_warning(tmp_path: Path) -> None:
    good = _sample("s1", grades=[Grade(grader="lint", rule_ids=["r"], verdict="pass", score=1)])
    run = _write(tmp_path / "r", [good], tail='{"sample_id": "s9", "task_')
    with pytest.warns(UserWarning, match="line 2 is truncated"):
        data = scan_run(run)
    assert list(data.frame["sample_id"].astype(str)) == ["s1"]
    assert data.warnings and "truncated" in data.warnings[0]


def test_duplicate_sample_id_last_line_wins(tmp_path: Path) -> None:
    first = _sample("s1", status="infra_error", error="429")
    retried = _sample("s1", grades=[Grade(grader="lint", rule_ids=["r"], verdict="fail", score=0)])
    other = _sample("s2", grades=[Grade(grader="lint", rule_ids=["r"], verdict="pass", score=1)])
    data = scan_run(_write(tmp_path / "r", [first, other, retried]))
    df = data.frame
    assert len(df) == 2
    assert df.set_index("sample_id").loc["s1", "verdict"] == "fail"
    assert read_sample(data, "s1").status == "ok"


def test_corrupt_middle_line_names_file_and_line(tmp_path: Path) -> None:
    run = _write(tmp_path / "r", [_sample("s1")])
    with (run / "samples.jsonl").open("a") as fh:
        fh.write('{"not": "a sample"}\n')
        fh.write(_sample("s3").model_dump_json() + "\n")
    with pytest.raises(RunLogError, match=r"samples.jsonl: line 2: invalid sample record"):
        load_run(run)


def test_not_a_run_directory(tmp_path: Path) -> None:
    with pytest.raises(RunLogError, match="no manifest.json"):
        load_run(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"run_id": 5}))
    with pytest.raises(RunLogError, match="manifest.json: run_id"):
        load_run(tmp_path)


def test_load_runs_concatenates_and_evals_forwards(runs: dict[str, Path]) -> None:
    df = evals.load_runs([runs["base"], runs["same"]])
    assert set(df["run"].astype(str)) == {"base", "same"}
    assert isinstance(df["rule"].dtype, pd.CategoricalDtype)
    single = evals.load_run(runs["base"])
    assert len(df) == len(single) + len(load_runs(runs["same"]))
    # Per-sample fields repeat on each grade row; one row per sample is recoverable.
    per_sample = single.drop_duplicates("sample_id")
    ok = per_sample[per_sample["status"] == "ok"]
    failed = per_sample[per_sample["status"] == "infra_error"]
    assert len(ok) + len(failed) == len(per_sample) and len(ok) > 0
    assert ok["cost"].gt(0).all()  # every graded synthetic sample was paid for
    assert failed["cost"].eq(0).all()  # a sample that failed before generating cost nothing
