"""One writer per run directory: concurrent resumes, stale locks, the refusal line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evals.log import RunLock, RunLockedError, holder, read_manifest, read_samples

ROOT = Path(__file__).resolve().parents[2]


def _argv(suite: Path, run_dir: Path, epochs: int = 30) -> list[str]:
    return [
        sys.executable,
        "-m",
        "evals.cli",
        "run",
        "--suite",
        str(suite),
        "--persona",
        str(ROOT / "personas" / "backend-engineer.md"),
        "--model",
        "oracle/gold",
        "--epochs",
        str(epochs),
        "--no-pressure",
        "--max-concurrency",
        "2",
        "--no-report",
        "--out",
        str(run_dir),
    ]


def _ids(run_dir: Path) -> list[str]:
    path = run_dir / "samples.jsonl"
    if not path.exists():
        return []
    return [json.loads(line)["sample_id"] for line in path.read_text().splitlines()]


def test_a_second_lock_in_any_process_is_refused_naming_the_holder(tmp_path: Path) -> None:
    with RunLock(tmp_path):
        info = holder(tmp_path)
        assert info and info["pid"] == os.getpid() and info["host"] == socket.gethostname()
        with pytest.raises(RunLockedError, match=f"in use by pid {os.getpid()} on host") as err:
            RunLock(tmp_path).acquire()
        assert "\n" not in str(err.value)
    assert holder(tmp_path) is None  # released: the description is emptied
    RunLock(tmp_path).acquire().release()


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import os; from evals.log import RunLock; RunLock({str(tmp_path)!r}).acquire(); "
            "os._exit(0)",
        ]
    )
    assert proc.wait(timeout=60) == 0
    assert holder(tmp_path)["pid"] == proc.pid  # it died holding the lock, text left behind
    with RunLock(tmp_path):
        assert holder(tmp_path)["pid"] == os.getpid()


# Three full runs in subprocesses (100 s at load 13): CI runs it (-m slow); the lock is
# tested in-process above.
@pytest.mark.slow
def test_two_concurrent_resumes_one_refuses_zero_duplicates(
    tmp_path: Path, fixture_suite: Path
) -> None:
    run_dir = tmp_path / "run"
    first = subprocess.run(
        _argv(fixture_suite, run_dir), cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert first.returncode == 0, first.stderr
    lines = (run_dir / "samples.jsonl").read_text().splitlines(keepends=True)
    assert len(lines) == 30
    (run_dir / "samples.jsonl").write_text("".join(lines[:3]))  # 27 samples are missing
    resumes = [
        subprocess.Popen(
            [sys.executable, "-m", "evals.cli", "run", "--resume", str(run_dir)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = []
    for proc in resumes:
        out, err = proc.communicate(timeout=300)
        outcomes.append((proc.returncode, err))
    codes = sorted(code for code, _ in outcomes)
    assert codes == [0, 2], outcomes
    refusal = next(err for code, err in outcomes if code == 2)
    winner = next(p for p in resumes if p.returncode == 0)
    assert f"in use by pid {winner.pid} on host {socket.gethostname()}" in refusal
    assert len(refusal.strip().splitlines()) == 1 and "Traceback" not in refusal
    ids = _ids(run_dir)
    assert len(ids) == 30 == len(set(ids))
    assert read_manifest(run_dir).state == "complete"
    assert len(read_samples(run_dir)) == 30


# An 80-sample run in a subprocess (80 s at load 13): CI runs it (-m slow).
@pytest.mark.slow
def test_a_run_in_progress_refuses_a_resume_then_completes(
    tmp_path: Path, fixture_suite: Path
) -> None:
    run_dir = tmp_path / "run"
    proc = subprocess.Popen(
        _argv(fixture_suite, run_dir, epochs=80),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not _ids(run_dir) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    other = subprocess.run(
        [sys.executable, "-m", "evals.cli", "run", "--resume", str(run_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    proc.wait(timeout=300)
    assert proc.returncode == 0
    assert other.returncode == 2 and f"in use by pid {proc.pid}" in other.stderr
    ids = _ids(run_dir)
    assert len(ids) == 80 == len(set(ids))
