"""SIGTERM, SIGINT and kill -9 of the harness leave no sandbox process behind.

The harness runs the real pipeline (bwrap sandbox workers grading hidden tests); the
test records every descendant process of the harness while sandbox workers are up,
signals the harness, and checks that 2 s later none of them is alive. Then the run must
say it was interrupted and resume to completion without duplicates.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evals.log import read_manifest, read_samples
from evals.sandbox.bwrap import bwrap_problem
from reports.frame import scan_run

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.sandbox


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start(run_dir: Path, suite: Path) -> subprocess.Popen[bytes]:
    argv = [
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
        "20",
        "--no-pressure",
        "--sandbox",
        "bwrap",
        "--max-concurrency",
        "2",
        "--no-report",
        "--out",
        str(run_dir),
    ]
    return subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _sandboxed_tree(proc: subprocess.Popen[bytes], run_dir: Path) -> set[int]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        tree = _descendants(proc.pid)
        if any(_comm(p) == "bwrap" for p in tree) and (run_dir / "samples.jsonl").exists():
            return tree
        time.sleep(0.05)
    pytest.fail(f"no bwrap worker appeared (exit {proc.poll()})")


# Three runs killed in subprocesses, then resumed (25-31 s each at load 13): CI runs them
# (-m slow); tests/runner/test_run.py::test_sigint_exits_130_and_keeps_finished_samples
# keeps a signal test in the default run.
@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGKILL, -9)]
)
def test_signal_leaves_no_sandbox_process_and_the_run_resumes(
    tmp_path: Path, fixture_suite: Path, sig: signal.Signals, code: int
) -> None:
    if bwrap_problem():
        pytest.skip(f"bwrap unusable: {bwrap_problem()}")
    run_dir = tmp_path / "run"
    proc = _start(run_dir, fixture_suite)
    tree = _sandboxed_tree(proc, run_dir)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err.decode()[-2000:]
    time.sleep(2.0)
    survivors = {p: _comm(p) for p in tree if _alive(p)}
    assert survivors == {}, f"alive 2 s after {sig.name}: {survivors}"
    if sig != signal.SIGKILL:
        assert read_manifest(run_dir).state == "interrupted"
        assert b"Traceback" not in err and b"interrupted by" in err
    else:  # the manifest still says running; its writer is gone, readers can tell
        assert read_manifest(run_dir).state == "running"
        assert scan_run(run_dir).manifest.state == "interrupted"
    kept = [s.sample_id for s in read_samples(run_dir)]
    resumed = subprocess.run(
        [sys.executable, "-m", "evals.cli", "run", "--resume", str(run_dir)],
        cwd=ROOT,
        capture_output=True,
        timeout=600,
    )
    assert resumed.returncode == 0, resumed.stderr.decode()[-2000:]
    ids = [s.sample_id for s in read_samples(run_dir)]
    assert set(kept) <= set(ids) and len(ids) == 20
    lines = (run_dir / "samples.jsonl").read_text().splitlines()
    assert len(lines) == len({line.split('"sample_id": "')[1][:21] for line in lines})
