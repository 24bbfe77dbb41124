"""Grading cost per sample: persona-evals beside inspect_ai beside bare pytest, same files.

Each sample is one task's candidate answer (its gold solution and one flawed variant, the
oracles' files) plus the task's hidden tests. The three graders see exactly these bytes:

* ``bare pytest``: ``<runtime python> -m pytest -q -p no:cacheprovider <hidden tests>`` in a
  fresh temporary folder holding the candidate files and the hidden tests. No isolation
  and no report checks: the floor any pytest-based grader pays.
* ``inspect_ai``: the way inspect users grade code (cf. inspect_evals' HumanEval
  ``verify()`` scorer): an inspect ``Task`` whose ``Sample.files`` carry the candidate
  files and the hidden tests into the built-in ``local`` sandbox (a temporary folder per
  sample; inspect's only sandbox that needs no Docker), the ``mockllm/model`` model and
  no solver (the answer is already there), and a scorer that runs the same pytest command
  through ``sandbox().exec(..., timeout=...)`` and returns ``CORRECT`` / ``INCORRECT``.
  One ``inspect_ai.eval()`` per round over every sample, ``max_samples`` and
  ``max_sandboxes`` = ``--workers``, no log file written (``log_format`` json in a temp
  folder, deleted), display off.
* ``persona-evals``: the ``tests_pass`` grader (hidden tests served read-only, canary
  tests, the checked report channel) on the default sandbox (``bwrap`` where it works),
  ``--workers`` samples in flight on the sandbox's warm workers.

The rounds interleave the three (the order rotates each round) so that load from other
processes falls on all of them alike. Printed per grader: wall ms per sample (round wall /
samples: throughput at ``--workers`` in flight) and CPU ms per sample (this process and
every descendant, the sandbox workers included: see :func:`tree_cpu_s`); then
persona-evals' throughput ratio to inspect_ai (target >= 3x) and its CPU ratio to the
bare floor (target <= 1.5x), with the load average. Every grader must give the same
verdict per sample, else the run stops (the comparison would be meaningless).

    pip install -e '.[bench]'   # inspect_ai (optional: never a default dependency)
    .venv/bin/python benchmarks/inspect_side_by_side.py [--rounds 3] [--tasks 6] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
THROUGHPUT_TARGET = 3.0
CPU_TARGET = 1.5
PYTEST_ARGS = ("-q", "-p", "no:cacheprovider")


@dataclass(frozen=True)
class Item:
    """One sample: the candidate files, the hidden tests and the pytest targets."""

    name: str
    task: Any
    files: dict[str, str]
    hidden: dict[str, str]
    targets: list[str]
    timeout: float


def _clock_ticks() -> int:
    return os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, own + reaped children's CPU seconds) of ``pid``, None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    ticks = sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return int(fields[1]), ticks / _clock_ticks()


def tree_cpu_s() -> float:
    """CPU seconds of this process, its reaped children and every live descendant.

    A sandbox worker forks and reaps each sample, so the sample's CPU lands in the
    worker's ``cutime``; a worker that exits lands in its parent's. Differences of this
    figure over a round count every process the round ran, once.
    """
    me = os.getpid()
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _proc_stat(int(entry.name))
            if stat is not None:
                parents[int(entry.name)], cpu[int(entry.name)] = stat
    total = 0.0
    for pid, seconds in cpu.items():
        node = pid
        while node > 1 and node != me:
            node = parents.get(node, 0)
        if node == me:
            total += seconds
    self_usage = os.times()
    # os.times() covers this process's threads and its reaped children exactly.
    return total - cpu.get(me, 0.0) + sum(self_usage[:4])


def load_items(task_count: int) -> list[Item]:
    """Gold and one flawed variant of the first ``task_count`` tasks with hidden tests."""
    from evals.tasks import load_suite
    from graders._pytest_run import targets_of

    items = []
    for task in load_suite(ROOT / "tasks").tasks:
        if not task.hidden_tests:
            continue
        tests = [p for p in task.hidden_tests if Path(p).name.startswith("test")]
        targets = targets_of(task.spec.expected_tests, [p for p in tests if p.endswith(".py")])
        answers = [("gold", dict(task.solution))]
        if task.variant_names:
            variant = task.variant_names[0]
            answers.append((variant, task.variant_files(variant)))
        for label, files in answers:
            items.append(
                Item(
                    f"{task.id}/{label}",
                    task,
                    files,
                    dict(task.hidden_tests),
                    targets,
                    float(task.spec.timeout),
                )
            )
        if len({i.task.id for i in items}) >= task_count:
            break
    return items


def _write(folder: Path, files: Mapping[str, str]) -> None:
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# -- the three graders: each takes the items, returns one verdict per item -------------


def bare_pytest(items: Sequence[Item], workers: int, python: str) -> list[bool]:
    """``python -m pytest`` over each item's files in a fresh folder, no sandbox."""

    def one(item: Item) -> bool:
        folder = Path(tempfile.mkdtemp(prefix="bench-bare-"))
        try:
            _write(folder, {**item.files, **item.hidden})
            proc = subprocess.run(
                [python, "-m", "pytest", *PYTEST_ARGS, *item.targets],
                cwd=folder,
                capture_output=True,
                timeout=item.timeout + 30,
                env={"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1"},
            )
            return proc.returncode == 0
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, items))


def make_inspect(python: str) -> Callable[[Sequence[Item], int], list[bool]]:
    """The inspect_ai grader: one ``eval()`` of an inspect Task over the items."""
    from inspect_ai import Task, eval
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import CORRECT, INCORRECT, Score, Target, accuracy, scorer
    from inspect_ai.solver import TaskState
    from inspect_ai.util import sandbox

    @scorer(metrics=[accuracy()])
    def hidden_tests_pass() -> Any:
        async def score(state: TaskState, target: Target) -> Score:
            targets = list(state.metadata["targets"])
            result = await sandbox().exec(
                [python, "-m", "pytest", *PYTEST_ARGS, *targets],
                timeout=int(state.metadata["timeout"]) + 30,
            )
            return Score(
                value=CORRECT if result.success else INCORRECT,
                explanation=result.stdout[-2000:],
            )

        return score

    def grade(items: Sequence[Item], workers: int) -> list[bool]:
        samples = [
            Sample(
                id=i,
                input="(the candidate answer is already in the sandbox)",
                target="pass",
                files={**item.files, **item.hidden},
                metadata={"targets": item.targets, "timeout": item.timeout},
            )
            for i, item in enumerate(items)
        ]
        task = Task(dataset=samples, solver=[], scorer=hidden_tests_pass(), sandbox="local")
        with tempfile.TemporaryDirectory(prefix="bench-inspect-log-") as logs:
            (log,) = eval(
                task,
                model="mockllm/model",
                max_samples=workers,
                max_sandboxes=workers,
                log_dir=logs,
                display="none",
                log_samples=True,
                score_display=False,
            )
            if log.status != "success" or log.samples is None:
                raise RuntimeError(f"inspect eval ended {log.status}: {log.error}")
            verdict = {
                s.id: (s.scores or {})["hidden_tests_pass"].value == CORRECT for s in log.samples
            }
        return [verdict[i] for i in range(len(items))]

    return grade


class InspectProcess:
    """inspect_ai in a long-lived child process running :func:`make_inspect`'s grader.

    Kept out of this process: with inspect_ai loaded here, CPython 3.11's ``ast.parse``
    in the grading threads failed with "AST constructor recursion depth mismatch" (its
    AST-conversion depth counter is shared between threads). The child is started and
    warmed once; each round sends one line and reads one line of verdicts. Its CPU is
    counted by :func:`tree_cpu_s` (it is a live descendant).
    """

    def __init__(self, task_count: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve-inspect", "--tasks", str(task_count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, items: Sequence[Item], workers: int) -> list[bool]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{workers}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the inspect_ai child exited {self.proc.wait()}")
        verdicts = [bool(v) for v in json.loads(line)]
        if len(verdicts) != len(items):
            raise RuntimeError("the inspect_ai child graded other samples")
        return verdicts

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def serve_inspect(task_count: int) -> None:
    """Child side of :class:`InspectProcess`: one line in (workers), one line out."""
    from evals.sandbox.runtime import ensure_runtime

    grade = make_inspect(str(ensure_runtime().python))
    items = load_items(task_count)
    for line in sys.stdin:
        print(json.dumps(grade(items, int(line))), flush=True)


def make_persona_evals(sandbox: Any) -> Callable[[Sequence[Item], int], list[bool]]:
    """The persona-evals grader: ``tests_pass`` on the warm sandbox, scheduled as
    ``evals run`` schedules it (one event loop, ``workers`` samples graded at once, the
    grader's synchronous body in a worker thread)."""
    from graders import GradeContext, get_grader

    grader = get_grader("tests_pass")

    async def one(item: Item, slots: asyncio.Semaphore) -> bool:
        ctx = GradeContext(
            files=item.files,
            rule_ids=("never-deploy-untested",),
            task=item.task,
            sandbox=sandbox,
        )
        async with slots:
            (grade,) = await asyncio.to_thread(grader.check, ctx)
        if grade.verdict == "error":
            raise RuntimeError(f"{item.name}: tests_pass errored: {grade.reason}")
        return grade.verdict == "pass"

    def grade(items: Sequence[Item], workers: int) -> list[bool]:
        async def all_items() -> list[bool]:
            slots = asyncio.Semaphore(workers)
            return list(await asyncio.gather(*(one(item, slots) for item in items)))

        return asyncio.run(all_items())

    return grade


# -- the run ----------------------------------------------------------------------------


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tasks", type=int, default=6, help="first N tasks with hidden tests")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sandbox", default="auto")
    parser.add_argument("--serve-inspect", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_inspect:
        serve_inspect(args.tasks)
        return

    from evals.sandbox import get_sandbox
    from evals.sandbox.runtime import ensure_runtime

    runtime = ensure_runtime()
    python = str(runtime.python)
    items = load_items(args.tasks)
    sandbox = get_sandbox(args.sandbox, workers=args.workers)
    sandbox.warm()
    graders: dict[str, Callable[[Sequence[Item], int], list[bool]]] = {
        "bare pytest": lambda its, w: bare_pytest(its, w, python),
        "inspect_ai": (inspect := InspectProcess(args.tasks)),
        "persona-evals": make_persona_evals(sandbox),
    }
    print(f"load average {_load()} (before); {os.cpu_count()} cpus")
    print(
        f"{len(items)} samples ({len({i.task.id for i in items})} tasks, gold + one flawed "
        f"variant each), {args.workers} in flight, {args.rounds} rounds interleaved; "
        f"persona-evals sandbox: {sandbox.name}"
    )
    # Warm-up round (imports, first workers, inspect's start-up); not counted.
    reference = None
    for name, grade in graders.items():
        verdicts = grade(items, args.workers)
        if reference is not None and verdicts != reference:
            differ = [i.name for i, a, b in zip(items, verdicts, reference, strict=True) if a != b]
            raise SystemExit(f"{name} disagrees with bare pytest on {', '.join(differ)}")
        reference = reference or verdicts
    wall: dict[str, list[float]] = {n: [] for n in graders}
    cpu: dict[str, list[float]] = {n: [] for n in graders}
    names = list(graders)
    for r in range(args.rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            cpu0, t0 = tree_cpu_s(), time.perf_counter()
            verdicts = graders[name](items, args.workers)
            wall[name].append((time.perf_counter() - t0) / len(items))
            cpu[name].append((tree_cpu_s() - cpu0) / len(items))
            if verdicts != reference:
                raise SystemExit(f"round {r}: {name} changed its verdicts")
    sandbox.close()
    inspect.close()
    passed = sum(reference or [])
    print(f"verdicts agree: {passed} pass, {len(items) - passed} fail, on every grader\n")
    med = {n: (statistics.median(wall[n]) * 1000, statistics.median(cpu[n]) * 1000) for n in names}
    for name in names:
        w, c = med[name]
        print(f"{name:14s} wall {w:8.1f} ms/sample   cpu {c:8.1f} ms/sample   (median of rounds)")
    throughput = med["inspect_ai"][0] / med["persona-evals"][0]
    cpu_ratio = med["persona-evals"][1] / med["bare pytest"][1]
    ok_t = "MET" if throughput >= THROUGHPUT_TARGET else "NOT MET"
    ok_c = "MET" if cpu_ratio <= CPU_TARGET else "NOT MET"
    print(
        f"\npersona-evals throughput / inspect_ai: {throughput:.2f}x "
        f"(target >= {THROUGHPUT_TARGET:g}x: {ok_t})"
    )
    print(
        f"persona-evals cpu / bare pytest cpu:   {cpu_ratio:.2f}x "
        f"(target <= {CPU_TARGET:g}x: {ok_c})"
    )
    print(f"load average {_load()} (after)")


if __name__ == "__main__":
    main()
