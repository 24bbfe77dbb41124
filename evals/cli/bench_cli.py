"""``evals bench cli``: how fast the CLI answers, against the interpreter's own start-up.

Three commands run interleaved in fresh processes, ``--n`` times each: the baseline
``python -c pass`` (same interpreter, same venv: the floor no CLI can beat), ``python -c
"import evals.cli"`` and ``evals --help``. Then an offline ``evals run`` of one task
(oracle/gold, every grader on) is timed from spawn to its manifest (start-up before any
sample) and to its first recorded sample. Every figure is printed with its target, the
load average and its ratio to the baseline, because the machine may be shared.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

#: Targets from issue #14 (seconds, quiet 2-core machine).
HELP_TARGET_S = 0.3
FIRST_SAMPLE_TARGET_S = 1.5


@dataclass(frozen=True)
class Timing:
    """Wall and CPU seconds of one child process (CPU includes its waited-for children)."""

    wall_s: float
    cpu_s: float


def _evals_argv() -> list[str]:
    """The installed console script (what users run), else ``python -m evals.cli``."""
    script = Path(sys.executable).with_name("evals")
    return [str(script)] if script.exists() else [sys.executable, "-m", "evals.cli"]


def time_process(argv: list[str], *, env: dict[str, str] | None = None) -> Timing:
    """Run ``argv`` to completion (output discarded) and return its wall and CPU time."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or os.environ.copy()
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}")
    return Timing(wall, usage.ru_utime + usage.ru_stime)


def _wait_for(path: Path, proc: subprocess.Popen[bytes], deadline: float) -> float | None:
    """Seconds until ``path`` is non-empty, polling every 5 ms; None if it never is."""
    while time.perf_counter() < deadline:
        try:
            if path.stat().st_size > 0:
                return time.perf_counter()
        except FileNotFoundError:
            pass
        if proc.poll() is not None:
            return None
        time.sleep(0.005)
    return None


@dataclass(frozen=True)
class FirstSample:
    """One offline run, timed from spawning it (seconds; None: never happened)."""

    manifest_s: float | None
    sample_s: float | None
    #: ``(phase, seconds since spawn)`` from the run's own stamps (:mod:`evals.timings`).
    phases: list[tuple[str, float]]
    #: ``(grader, own seconds, seconds queued for a sandbox worker)``, slowest first.
    grades: list[tuple[str, float, float]]
    #: Sandbox requests before the first sample was recorded: how many, and their CPU
    #: seconds (sample tree + worker; load-independent, unlike the wall times).
    sandbox_calls: int = 0
    sandbox_cpu_s: float = 0.0


#: The run's stamps shown in the breakdown, in the order they normally happen.
_PHASES = {
    "cli": "CLI entered (interpreter + evals.cli imported)",
    "runner": "options parsed, runner imported",
    "sandbox_built": "sandbox object built (thread)",
    "inputs_loaded": "suite + personas + providers loaded",
    "planned": "plan built",
    "grading_planned": "graders instantiated, preload named",
    "worker_started": "first sandbox worker started",
    "worker_started#last": "last sandbox worker started",
    "worker_primed": "first worker preloaded the plan's modules",
    "worker_primed#last": "last worker preloaded",
    "sandbox_call": "first sandbox request done",
    "sample_recorded": "first sample recorded",
}


def _phases(stamps: list[dict[str, object]], started_wall: float) -> list[tuple[str, float]]:
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    for record in stamps:
        event, at = str(record["event"]), float(str(record["t"])) - started_wall
        first.setdefault(event, at)
        last[event] = at
    shown = [(event, first[event]) for event in _PHASES if event in first]
    shown += [(f"{e}#last", last[e]) for e in ("worker_started", "worker_primed") if e in last]
    return sorted(shown, key=lambda pair: pair[1])


def first_sample(task: str | None, suite: str, timeout_s: float = 300.0) -> FirstSample:
    """Time an offline run from spawn to its manifest, its first sample, and each phase."""
    from evals.timings import ENV, read_stamps

    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        out = Path(tmp) / "run"
        stamps = Path(tmp) / "stamps.jsonl"
        argv = [*_evals_argv(), "run", "--model", "oracle/gold", "--suite", suite]
        argv += ["--task", task] if task else ["--limit", "1"]
        argv += ["--no-report", "--no-pressure", "--out", str(out)]
        env = {**os.environ, ENV: str(stamps)}
        started_wall = time.time()
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        deadline = started + timeout_s
        manifest = _wait_for(out / "manifest.json", proc, deadline)
        sample = _wait_for(out / "samples.jsonl", proc, deadline)
        try:
            _, err = proc.communicate(timeout=max(1.0, deadline - time.perf_counter()))
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        if proc.returncode != 0:
            tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
            raise RuntimeError(f"evals run exited {proc.returncode}: {tail[0]}")
        records = read_stamps(stamps)
        calls = _first_sample_calls(records)
        return FirstSample(
            None if manifest is None else manifest - started,
            None if sample is None else sample - started,
            _phases(records, started_wall),
            _grades(records),
            len(calls),
            sum(float(str(c.get("cpu_s", 0.0))) for c in calls),
        )


def _first_sample_calls(stamps: list[dict[str, object]]) -> list[dict[str, object]]:
    calls = []
    for record in stamps:
        if record["event"] == "sample_recorded":
            break
        if record["event"] == "sandbox_call":
            calls.append(record)
    return calls


def _grades(stamps: list[dict[str, object]]) -> list[tuple[str, float, float]]:
    grades = [
        (str(r["grader"]), float(str(r["duration_s"])), float(str(r["queued_s"])))
        for r in stamps
        if r["event"] == "grade"
    ]
    return sorted(grades, key=lambda g: -g[1])


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages, as ``/proc/loadavg`` prints them."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def _median(timings: list[Timing]) -> Timing:
    return Timing(
        statistics.median(t.wall_s for t in timings), statistics.median(t.cpu_s for t in timings)
    )


def register(app: typer.Typer) -> None:
    app.command("cli")(bench_cli_cmd)


def bench_cli_cmd(
    n: Annotated[int, typer.Option("--n", min=1, help="Runs of each command.")] = 10,
    task: Annotated[
        str | None, typer.Option(help="Task of the first-sample run (default: the first).")
    ] = None,
    suite: Annotated[str, typer.Option(help="Suite of the first-sample run.")] = "tasks",
    run: Annotated[bool, typer.Option("--run/--no-run", help="Also time an offline run.")] = True,
) -> None:
    """Time `evals --help` and an offline run's first sample against `python -c pass`."""
    commands = {
        "python -c pass (baseline)": [sys.executable, "-c", "pass"],
        "import evals.cli": [sys.executable, "-c", "import evals.cli"],
        "evals --help": [*_evals_argv(), "--help"],
    }
    typer.echo(f"load average {loadavg()} (before); {os.cpu_count()} cpus")
    # Warm-up, not counted: page cache, and the .pyc files a normal install has (pip
    # compiles on install; an editable install writes them on first import unless
    # PYTHONDONTWRITEBYTECODE is set, as it is in some agent shells).
    warm_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for argv in commands.values():
        time_process(argv, env=warm_env)
    typer.echo(
        "bytecode: .pyc cache written by the warm-up; measured runs "
        + (
            "may not write more (PYTHONDONTWRITEBYTECODE set)"
            if "PYTHONDONTWRITEBYTECODE" in os.environ
            else "write as usual"
        )
    )
    runs: dict[str, list[Timing]] = {name: [] for name in commands}
    for _ in range(n):
        for name, argv in commands.items():
            runs[name].append(time_process(argv))
    base = _median(runs["python -c pass (baseline)"])
    for name, timings in runs.items():
        m = _median(timings)
        typer.echo(
            f"{name:28} median wall {m.wall_s * 1000:7.1f} ms  cpu {m.cpu_s * 1000:7.1f} ms  "
            f"({m.wall_s / base.wall_s:5.1f}x baseline wall)"
        )
    help_wall = _median(runs["evals --help"]).wall_s
    verdict = "ok" if help_wall <= HELP_TARGET_S else "OVER (re-measure on a quiet machine)"
    typer.echo(f"evals --help target <= {HELP_TARGET_S:.2f} s: {help_wall:.3f} s  {verdict}")
    if run:
        timed = first_sample(task, suite)
        shown = "never" if timed.manifest_s is None else f"{timed.manifest_s:.2f} s"
        typer.echo(f"offline run: manifest written (start-up) after {shown}")
        if timed.sample_s is None:
            typer.echo("offline run: no sample was recorded", err=True)
            raise typer.Exit(1)
        verdict = "ok" if timed.sample_s <= FIRST_SAMPLE_TARGET_S else "OVER"
        typer.echo(
            f"offline run: first sample recorded after {timed.sample_s:.2f} s "
            f"({timed.sample_s / base.wall_s:.0f}x baseline wall); target <= "
            f"{FIRST_SAMPLE_TARGET_S:.1f} s  {verdict}"
        )
        typer.echo("  breakdown (seconds since spawn, from the run's EVALS_TIMINGS stamps):")
        for event, at in timed.phases:
            typer.echo(f"  {at:6.2f}  {_PHASES.get(event, event)}")
        slowest = ", ".join(f"{g} {own:.2f} s (+{q:.2f} queued)" for g, own, q in timed.grades[:4])
        typer.echo(f"  slowest grades (own run, then queue wait): {slowest}")
        typer.echo(
            f"  sandbox requests before it: {timed.sandbox_calls}, "
            f"{timed.sandbox_cpu_s:.2f} s CPU (load-independent)"
        )
    typer.echo(f"load average {loadavg()} (after)")
