"""The sandbox built in a thread while the run is planned (``evals.runner._warm``).

What :class:`SandboxStart` promises: its workers import the plan's modules before any
sample reaches them; it is closed (no worker process left) on every way out of a run,
whether planning fails, Ctrl-C lands during planning, or the run finishes; and without a
provisioned runtime venv it starts nothing ahead and builds the sandbox on first need.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from evals.errors import EvalsError, SandboxError
from evals.runner import RunConfig, Runner
from evals.runner import _run as run_module
from evals.runner._warm import SandboxStart
from evals.sandbox import Limits, PooledSandbox, Sandbox
from evals.tasks import load_suite
from evals.timings import read_stamps
from graders._pytest_run import sandbox_modules

ROOT = Path(__file__).resolve().parents[2]
LIMITS = Limits(wall_seconds=20)
#: Imported by neither pytest nor the worker itself: in ``sys.modules`` only if preloaded.
PROBE_MODULE = "xml.dom.minidom"


def _children() -> set[int]:
    """Live child processes of this process (of any of its threads)."""
    pids: set[int] = set()
    for task in os.listdir("/proc/self/task"):
        try:
            text = Path(f"/proc/self/task/{task}/children").read_text()
        except FileNotFoundError:  # the thread ended meanwhile
            continue
        pids.update(int(pid) for pid in text.split())
    return pids


def _until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _is_closed(sandbox: Sandbox) -> bool:
    try:
        sandbox.run(["python", "-c", ""], {}, LIMITS)
    except SandboxError as exc:
        return "closed" in str(exc)
    return False


@pytest.fixture()
def stamps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[dict[str, Any]]]:
    path = tmp_path / "timings.jsonl"
    monkeypatch.setenv("EVALS_TIMINGS", str(path))
    return lambda: read_stamps(path)


class _Recorded(SandboxStart):
    """The real SandboxStart, remembering each instance and what the plan asked to preload."""

    made: list[_Recorded] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[list[str] | None] = []
        self.made.append(self)

    def preload(self, names: Any) -> None:
        self.asked.append(None if names is None else list(names))
        super().preload(names)

    def built(self) -> Sandbox | None:
        future = self._sandbox
        return future.result() if future.done() and future.exception() is None else None


@pytest.fixture()
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[_Recorded]]:
    made: list[_Recorded] = []
    monkeypatch.setattr(_Recorded, "made", made)
    monkeypatch.setattr(run_module, "SandboxStart", _Recorded)
    yield made


def _config(suite: Path, **kw: object) -> RunConfig:
    base: dict[str, object] = {
        "suite": str(suite),
        "personas": [str(ROOT / "personas" / "backend-engineer.md")],
        "models": ["oracle/gold"],
        "report": False,
    }
    base.update(kw)
    return RunConfig.model_validate(base)


# -- the workers preload the plan's modules ------------------------------------------------

#: The candidate's own tests (no hidden tests: the request itself preloads nothing).
SEES_PRELOAD = f"""\
import os, sys, time

PRELOADED = {PROBE_MODULE!r} in sys.modules


def test_worker_had_preloaded():
    time.sleep(0.3)  # holds this worker, so the other call goes to the other one
    print("pid", os.getppid())
    assert PRELOADED
"""


@pytest.mark.parametrize("name", [pytest.param("bwrap", marks=pytest.mark.sandbox), "process"])
def test_every_worker_imports_the_plans_modules_before_its_first_sample(
    name: str, stamps: Callable[[], list[dict[str, Any]]]
) -> None:
    from evals.sandbox.bwrap import bwrap_problem

    if name == "bwrap" and bwrap_problem():
        pytest.skip(f"bwrap unusable: {bwrap_problem()}")
    start = SandboxStart(name, workers=2)
    try:
        assert start.start()  # the runtime venv is provisioned for the tests
        start.preload([PROBE_MODULE])
        sandbox = start.sandbox()
        results: list[Any] = [None, None]

        def probe(i: int) -> None:
            assert isinstance(sandbox, PooledSandbox)
            results[i] = sandbox.run_pytest({"test_own.py": SEES_PRELOAD}, ["test_own.py"], LIMITS)

        threads = [threading.Thread(target=probe, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        for report in results:
            assert report is not None and report.finished, report
            assert [o.outcome for o in report.outcomes.values()] == ["passed"], report.outcomes
        events = stamps()
        primed = {s["slot"]: s["t"] for s in events if s["event"] == "worker_primed"}
        calls = [s for s in events if s["event"] == "sandbox_call"]  # stamped once served
        assert set(primed) == {c["slot"] for c in calls} == {0, 1}  # both workers served
        for call in calls:  # (a call that beat the warm-up to a worker primes it itself)
            assert primed[call["slot"]] <= call["t"]
            assert 0 < call["cpu_s"] < 10  # the sample's CPU, measured by its worker
    finally:
        start.close()


def test_workers_start_while_the_plan_is_built(
    stamps: Callable[[], list[dict[str, Any]]],
) -> None:
    start = SandboxStart("process", workers=2)
    try:
        assert start.start()
        started = lambda: {s["slot"] for s in stamps() if s["event"] == "worker_started"}  # noqa: E731
        _until(lambda: started() == {0, 1})  # before the plan named anything
        assert not [s for s in stamps() if s["event"] == "worker_primed"]
        start.preload([PROBE_MODULE])  # then each imports the plan's modules
        _until(lambda: len([s for s in stamps() if s["event"] == "worker_primed"]) == 2)
        assert started() == {0, 1}  # the same workers, none started again
    finally:
        start.close()


def test_a_run_preloads_its_plans_modules_in_each_worker(
    tmp_path: Path,
    fixture_suite: Path,
    recorded: list[_Recorded],
    stamps: Callable[[], list[dict[str, Any]]],
) -> None:
    result = asyncio.run(Runner(_config(fixture_suite), tmp_path / "run").run())
    assert result.done == result.planned and result.infra_errors == 0
    (start,) = recorded
    expected = sandbox_modules(load_suite(fixture_suite).tasks)
    assert expected and start.asked[0] == expected
    events = stamps()
    primed = {s["slot"]: s["t"] for s in events if s["event"] == "worker_primed"}
    assert len(primed) == os.cpu_count()  # every worker of the pool
    for call in (s for s in events if s["event"] == "sandbox_call"):  # stamped once served
        assert primed[call["slot"]] <= call["t"]


# -- closed on every exit path --------------------------------------------------------------


def test_closed_when_the_run_finishes(
    tmp_path: Path, fixture_suite: Path, recorded: list[_Recorded]
) -> None:
    before = _children()
    asyncio.run(Runner(_config(fixture_suite), tmp_path / "run").run())
    (start,) = recorded
    sandbox = start.built()
    assert sandbox is not None and _is_closed(sandbox)
    assert not _children() - before  # no worker outlives the run


def test_closed_when_planning_fails(
    tmp_path: Path, fixture_suite: Path, recorded: list[_Recorded]
) -> None:
    before = _children()
    with pytest.raises(EvalsError):  # an unknown task: refused while planning
        asyncio.run(Runner(_config(fixture_suite, tasks=["nope"]), tmp_path / "run").run())
    (start,) = recorded
    assert start.asked[-1] is None  # the workers waiting for the plan are told not to start
    sandbox = start.built()
    assert sandbox is None or _is_closed(sandbox)
    assert not _children() - before
    assert not (tmp_path / "run").exists()  # refused before any write


def test_closed_on_ctrl_c_during_planning(
    tmp_path: Path,
    fixture_suite: Path,
    recorded: list[_Recorded],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def interrupted(*args: object, **kwargs: object) -> object:
        (start,) = recorded
        _until(lambda: start.built() is not None)  # the sandbox is up when Ctrl-C lands
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "build_plan", interrupted)
    before = _children()
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(Runner(_config(fixture_suite), tmp_path / "run").run())
    (start,) = recorded
    sandbox = start.built()
    assert sandbox is not None and _is_closed(sandbox)
    assert not _children() - before


def test_close_kills_workers_that_are_still_starting(
    stamps: Callable[[], list[dict[str, Any]]],
) -> None:
    before = _children()
    start = SandboxStart("process", workers=2)
    assert start.start()
    start.preload([PROBE_MODULE])
    _until(lambda: any(s["event"] == "sandbox_built" for s in stamps()))
    start.close()  # while the workers start: close waits for them and kills them
    assert not _children() - before
    assert _is_closed(start.sandbox())


# -- no provisioned runtime: nothing ahead, the same sandbox on first need --------------------


def test_without_a_provisioned_runtime_the_sandbox_is_built_on_first_need(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stamps: Callable[[], list[dict[str, Any]]]
) -> None:
    monkeypatch.setenv("EVALS_RUNTIME_VENV", str(tmp_path / "not-provisioned"))
    start = SandboxStart("process", workers=1)
    try:
        assert start.start() is False  # provisioning must not run ahead of the checks
        start.preload([PROBE_MODULE])
        time.sleep(0.2)
        assert not (tmp_path / "not-provisioned").exists()
        assert not [s for s in stamps() if s["event"] == "sandbox_built"]
        monkeypatch.delenv("EVALS_RUNTIME_VENV")  # provisioned by now (the project's venv)
        sandbox = start.sandbox()
        (built,) = [s for s in stamps() if s["event"] == "sandbox_built"]
        assert built["thread"] == threading.current_thread().name  # here, not ahead
        result = sandbox.run(["python", "-c", "print(6 * 7)"], {}, LIMITS)
        assert result.exit_code == 0 and result.stdout.strip() == "42"
        assert start.sandbox() is sandbox  # built once
    finally:
        start.close()
    assert _is_closed(sandbox)
