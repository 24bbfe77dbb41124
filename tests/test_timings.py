"""Phase stamps: written only under EVALS_TIMINGS, read back in order by the bench."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.cli.bench_cli import _first_sample_calls, _grades, _phases
from evals.timings import ENV, read_stamps, stamp


def test_stamps_are_written_only_when_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "stamps.jsonl"
    monkeypatch.delenv(ENV, raising=False)
    stamp("ignored")
    assert not path.exists()
    monkeypatch.setenv(ENV, str(path))
    stamp("cli")
    stamp("grade", grader="lint", duration_s=0.1, queued_s=0.0)
    with path.open("a") as out:
        out.write('{"torn')  # a line being written while the bench reads
    records = read_stamps(path)
    assert [r["event"] for r in records] == ["cli", "grade"]
    assert records[1]["grader"] == "lint" and records[0]["t"] <= records[1]["t"]
    assert read_stamps(tmp_path / "missing.jsonl") == []


def test_the_bench_breakdown_orders_phases_and_keeps_first_and_last_worker() -> None:
    stamps = [
        {"t": 10.1, "event": "cli"},
        {"t": 10.3, "event": "worker_started", "slot": 1},
        {"t": 10.2, "event": "runner"},
        {"t": 10.4, "event": "worker_started", "slot": 0},
        {"t": 10.6, "event": "grade", "grader": "lint", "duration_s": 0.1, "queued_s": 0.0},
        {"t": 10.9, "event": "grade", "grader": "tests_pass", "duration_s": 0.5, "queued_s": 0.2},
        {"t": 11.0, "event": "sample_recorded"},
    ]
    phases = _phases(stamps, started_wall=10.0)  # type: ignore[arg-type]
    assert [name for name, _ in phases] == [
        "cli",
        "runner",
        "worker_started",
        "worker_started#last",
        "sample_recorded",
    ]
    assert phases[-1][1] == pytest.approx(1.0)
    assert _grades(stamps) == [("tests_pass", 0.5, 0.2), ("lint", 0.1, 0.0)]  # type: ignore[arg-type]


def test_the_bench_sums_the_sandbox_cpu_of_the_calls_before_the_first_sample() -> None:
    stamps = [
        {"t": 10.5, "event": "sandbox_call", "slot": 0, "cpu_s": 0.25},
        {"t": 10.7, "event": "sandbox_call", "slot": 1, "cpu_s": 0.125},
        {"t": 11.0, "event": "sample_recorded"},
        {"t": 11.2, "event": "sandbox_call", "slot": 0, "cpu_s": 9.0},  # the next sample's
    ]
    calls = _first_sample_calls(stamps)  # type: ignore[arg-type]
    assert [c["cpu_s"] for c in calls] == [0.25, 0.125]
