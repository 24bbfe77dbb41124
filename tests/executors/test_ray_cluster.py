"""``--executor ray`` on a real two-node Ray cluster on 127.0.0.1 (slow, run in CI).

The cluster (a head node and a worker node, one CPU and bounded memory each, dashboard and
usage stats off) lives in a loopback-only network namespace, so nothing reaches a network;
the drivers run there too, through the real ``evals run`` CLI. Covered: the same grades
as the local executor, a worker node killed mid-sample (exactly N samples, 0 duplicates),
the driver killed and ``--resume`` on Ray, and API keys that never leave the driver.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evals.executors.local_cluster import LocalRayCluster, cluster_unavailable
from evals.executors.ray_executor import TASK_NAME
from evals.runner import RunConfig, read_manifest, read_samples

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "tests" / "fixtures" / "suite"
PERSONA = ROOT / "personas" / "backend-engineer.md"
EVALS = str(Path(sys.executable).with_name("evals"))
HERE = Path(__file__).resolve().parent
DRIVER_KEY = "sk-ant-driver-only-7f3a9c"
WORKER_KEY = "sk-ant-worker-own-41b2"


def _node_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRayCluster]:
    reason = cluster_unavailable()
    if reason:
        pytest.skip(reason)
    seen = tmp_path_factory.mktemp("keys") / "seen.json"
    c = LocalRayCluster(workers=1, cpus_per_node=1, memory_mb=3072, env=_node_env())
    with contextlib.closing(c.open()):
        server = subprocess.Popen(
            c.wrap([sys.executable, str(HERE / "_key_server.py"), WORKER_KEY, str(seen)]),
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            # Workers read their own credentials; the driver's are never sent to them.
            c.env.update({"ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": WORKER_KEY})
            c.start()
            c.key_log = seen  # type: ignore[attr-defined]
            c.key_server = server  # type: ignore[attr-defined]
            yield c
        finally:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=30)


def _run_args(out: Path, *extra: str, executor: str = "ray", address: str = "") -> list[str]:
    args = [EVALS, "run", "--suite", str(SUITE), "--persona", str(PERSONA), "--out", str(out)]
    args += ["-m", "oracle/gold", "-m", "oracle/flawed", "--no-report", "--no-cache", *extra]
    if executor == "ray":
        args += ["--executor", "ray", "--address", address]
    return args


def _grades(run_dir: Path) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for s in read_samples(run_dir):
        out[s.sample_id] = sorted(
            (
                g.grader,
                tuple(g.rule_ids),
                g.verdict,
                g.score,
                g.kind,
                tuple((e.file, e.line) for e in g.evidence),
            )
            for g in s.grades
        )
    return out


def _lines(run_dir: Path) -> list[dict[str, Any]]:
    text = (run_dir / "samples.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _wait(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_ray_grades_equal_local_grades(cluster: LocalRayCluster, tmp_path: Path) -> None:
    local, remote = tmp_path / "local", tmp_path / "ray"
    subprocess.run(_run_args(local, "--epochs", "2", executor="local"), check=True)
    subprocess.run(
        cluster.wrap(_run_args(remote, "--epochs", "2", address=cluster.address)), check=True
    )
    expected = _grades(local)
    assert len(expected) == 8 and all(expected.values())
    assert _grades(remote) == expected
    verdicts = Counter(g[2] for grades in expected.values() for g in grades)
    assert verdicts["pass"] and verdicts["fail"]  # the flawed variants do fail somewhere
    notes = " ".join(read_manifest(remote).notes)
    # Both nodes' runners joined the run. Which of them took samples is timing: on a quiet
    # machine the runner ready first (1.0 s vs 2.2 s measured) can finish all 8 quick oracle
    # samples alone, so that is not asserted here; the kill-a-node test proves the worker node
    # grades samples (it loses some mid-run).
    assert "2 runner(s)" in notes, notes


def test_worker_node_killed_mid_sample_loses_and_duplicates_nothing(
    cluster: LocalRayCluster, tmp_path: Path
) -> None:
    run_dir = tmp_path / "run"
    worker = cluster.nodes[-1]
    driver = subprocess.Popen(
        cluster.wrap(_run_args(run_dir, "--epochs", "3", address=cluster.address)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait(lambda: worker.running_tasks(TASK_NAME), 180, "a sample on the worker")
        in_flight = {name.split(":", 1)[1] for name in worker.running_tasks(TASK_NAME)}
        cluster.kill(worker)  # the node is lost with these samples in flight
        _, err = driver.communicate(timeout=300)
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait()
        cluster.add_worker()  # later tests get two nodes again
    assert driver.returncode == 0, err[-2000:]
    lines = _lines(run_dir)
    ids = [line["sample_id"] for line in lines]
    assert len(ids) == 12 and len(set(ids)) == 12  # exactly N, 0 duplicates
    assert {line["status"] for line in lines} == {"ok"}
    # What was running on the lost node was re-run elsewhere and recorded once.
    assert in_flight and all(ids.count(sid) == 1 for sid in in_flight), in_flight
    assert not (in_flight - set(ids))
    manifest = read_manifest(run_dir)
    assert manifest.state == "complete"
    # The driver saw the node go: the manifest names it and what it held, every time.
    lost = [note for note in manifest.notes if " lost (" in note]
    assert len(lost) == 1, manifest.notes
    assert all(sid in lost[0] for sid in in_flight), (lost, in_flight)


def test_driver_killed_then_resume_on_ray_completes(
    cluster: LocalRayCluster, tmp_path: Path
) -> None:
    run_dir = tmp_path / "run"
    args = _run_args(run_dir, "--epochs", "3", address=cluster.address)
    driver = subprocess.Popen(
        cluster.wrap(args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait(
            lambda: (run_dir / "samples.jsonl").exists() and len(_lines(run_dir)) >= 2,
            240,
            "two recorded samples",
        )
    finally:
        driver.send_signal(signal.SIGKILL)
        driver.wait()
    before = len(_lines(run_dir))
    assert before < 12, "the driver finished before it could be killed"
    resume = [
        EVALS,
        "run",
        "--resume",
        str(run_dir),
        "--executor",
        "ray",
        "--address",
        cluster.address,
    ]
    done = subprocess.run(cluster.wrap(resume), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    ids = [line["sample_id"] for line in _lines(run_dir)]
    assert len(ids) == len(set(ids)) == 12
    assert read_manifest(run_dir).state == "complete"


def test_driver_api_key_never_reaches_a_task_argument_or_log(
    cluster: LocalRayCluster, tmp_path: Path
) -> None:
    run_dir, blobs = tmp_path / "run", tmp_path / "blobs.hex"
    config = RunConfig(
        suite=str(SUITE),
        personas=[str(PERSONA)],
        models=["anthropic/claude-haiku-4-5"],
        epochs=2,
        graders=["sql_construction"],
        cache=False,
        report=False,
        executor="ray",
        ray_address=cluster.address,
    )
    config_path = tmp_path / "config.json"
    config_path.write_text(config.model_dump_json(), encoding="utf-8")
    env = {**_node_env(), "ANTHROPIC_API_KEY": DRIVER_KEY, "OPENAI_API_KEY": DRIVER_KEY}
    probe = [
        sys.executable,
        str(HERE / "_serialize_probe.py"),
        str(config_path),
        str(run_dir),
        str(blobs),
    ]
    done = subprocess.run(cluster.wrap(probe), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    samples = list(read_samples(run_dir))
    assert len(samples) == 4 and {s.status for s in samples} == {"ok"}
    recorded = [bytes.fromhex(line) for line in blobs.read_text().split()]
    # The capture sees the task arguments (every sample id went through it) ...
    assert all(any(s.sample_id.encode() in b for b in recorded) for s in samples)
    # ... and not one of them carries the driver's key.
    assert not [b for b in recorded if DRIVER_KEY.encode() in b]
    leaked = [
        p
        for root in (cluster.temp_dir, run_dir)
        for p in Path(root).rglob("*")
        if p.is_file() and DRIVER_KEY.encode() in p.read_bytes()
    ]
    assert leaked == []
    assert DRIVER_KEY not in done.stdout + done.stderr  # nor the driver's own output
    server = cluster.key_server  # type: ignore[attr-defined]
    server.terminate()
    server.wait(timeout=30)
    seen = json.loads(Path(cluster.key_log).read_text())  # type: ignore[attr-defined]
    assert len(seen) >= 4 and set(seen) == {WORKER_KEY}  # workers used their own key
