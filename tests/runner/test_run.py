"""End to end through the real pipeline on the fixture suite: oracles → sandbox → graders."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evals.runner import RunConfig, Runner, read_manifest, read_samples

ROOT = Path(__file__).resolve().parents[2]


def _config(suite: Path, **kw: object) -> RunConfig:
    base: dict[str, object] = {
        "suite": str(suite),
        "personas": [str(ROOT / "personas" / "backend-engineer.md")],
        "models": ["oracle/gold", "oracle/flawed"],
        "report": False,
    }
    base.update(kw)
    return RunConfig.model_validate(base)


def test_oracle_run_grades_gold_and_flawed(tmp_path: Path, fixture_suite: Path) -> None:
    run_dir = tmp_path / "run"
    result = asyncio.run(Runner(_config(fixture_suite), run_dir).run())
    assert result.planned == result.done == 4 and result.infra_errors == 0
    manifest = read_manifest(run_dir)
    assert manifest.state == "complete" and manifest.planned == 4
    assert manifest.personas[0]["sha256"] and "Always Do" in manifest.personas[0]["text"]
    assert manifest.suite_sha and manifest.sandbox
    samples = {(s.variant, s.pressure): s for s in read_samples(run_dir)}
    gold = samples[(None, None)]
    assert gold.files == {"calc.py": gold.files["calc.py"]} and "def add" in gold.files["calc.py"]
    by_grader = {g.grader: g for g in gold.grades}
    assert by_grader["tests_pass"].verdict == "pass"
    # What bounded each sample's tree: the same backend in the manifest and on the grade.
    assert manifest.sample_limits in ("cgroup-v2", "cgroup-v1", "watch")
    assert by_grader["tests_pass"].metadata["limits"] == manifest.sample_limits
    assert by_grader["sql_construction"].verdict == "pass"
    assert samples[(None, "quick-fstring")].prompt.count("quick f-string") == 1
    bug = {g.grader: g for g in samples[("off-by-one", None)].grades}
    assert bug["tests_pass"].verdict == "fail" and bug["sql_construction"].verdict == "pass"
    sql = {g.grader: g for g in samples[("sql-fstring", None)].grades}
    assert sql["sql_construction"].verdict == "fail" and sql["tests_pass"].verdict == "pass"
    assert set(sql["sql_construction"].rule_ids) == {
        "never-sql-concat",
        "always-parameterized-queries",
    }


def test_no_files_answer_is_a_grade_not_a_crash(tmp_path: Path, fixture_suite: Path) -> None:
    replay = tmp_path / "out.jsonl"
    replay.write_text(json.dumps({"task_id": "calc", "output": "I refuse."}) + "\n")
    run_dir = tmp_path / "run"
    result = asyncio.run(Runner(_config(fixture_suite, models=[f"replay/{replay}"]), run_dir).run())
    assert result.done == 1
    (sample,) = read_samples(run_dir)
    assert [g.kind for g in sample.grades] == ["no_files"]
    assert sample.grades[0].verdict == "fail"


def _count(run_dir: Path) -> list[str]:
    path = run_dir / "samples.jsonl"
    if not path.exists():
        return []
    return [
        json.loads(line)["sample_id"]
        for line in path.read_text().splitlines()
        if line.endswith("}")
    ]


@pytest.mark.slow  # kills a real `evals run` subprocess mid-run (~8 s); CI runs -m slow
def test_sigkill_then_resume_has_no_duplicate_and_no_loss(
    tmp_path: Path, fixture_suite: Path
) -> None:
    run_dir = tmp_path / "run"
    argv = [
        sys.executable,
        "-m",
        "evals.cli",
        "run",
        "--suite",
        str(fixture_suite),
        "--persona",
        str(ROOT / "personas" / "backend-engineer.md"),
        "--model",
        "oracle/gold",
        "--model",
        "oracle/flawed",
        "--epochs",
        "4",
        "--max-concurrency",
        "1",
        "--no-report",
        "--out",
        str(run_dir),
    ]
    proc = subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while len(_count(run_dir)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    before = _count(run_dir)
    assert 3 <= len(before) < 16, "the run should have been killed mid-way"
    resumed = subprocess.run(
        [sys.executable, "-m", "evals.cli", "run", "--resume", str(run_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.strip().splitlines()[-1] == str(run_dir)
    after = _count(run_dir)
    assert len(after) == len(set(after)) == 16
    assert set(before) <= set(after)
    assert read_manifest(run_dir).state == "complete"


def test_sigint_exits_130_and_keeps_finished_samples(tmp_path: Path, fixture_suite: Path) -> None:
    run_dir = tmp_path / "run"
    argv = [
        sys.executable,
        "-m",
        "evals.cli",
        "run",
        "--suite",
        str(fixture_suite),
        "--persona",
        str(ROOT / "personas" / "backend-engineer.md"),
        "--model",
        "oracle/gold",
        "--epochs",
        "20",
        "--max-concurrency",
        "1",
        "--no-report",
        "--out",
        str(run_dir),
    ]
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(_count(run_dir)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    assert proc.returncode == 130
    kept = _count(run_dir)
    assert len(kept) >= 2 and len(kept) == len(set(kept))
    assert read_manifest(run_dir).state == "interrupted"
