"""Seconds per sample of the ``tests_included`` grader on the suite's oracle answers.

Every oracle answer of each task (gold and every flawed variant: the quickstart's
samples) is graded twice, interleaved task by task on the same warm sandbox:

* ``uncached``: a fresh grader per sample, so every mutation run is made again (what
  each sample cost before mutation verdicts were shared);
* ``shared``: one grader for the whole run (what ``evals run`` does), so mutation runs
  whose inputs are byte-identical are made once.

Prints the median and mean seconds per sample of both, their ratio, the sandbox runs
made, the load average, and the target (median <= 2 s per sample, issue #14).

    .venv/bin/python benchmarks/tests_included_speed.py [--tasks N] [--sandbox auto]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path
from typing import Any

from evals.sandbox import get_sandbox
from evals.tasks import load_suite
from graders import GradeContext
from graders.tests_included import TestsIncludedGrader

TARGET_S = 2.0
ROOT = Path(__file__).resolve().parents[1]


class _Counting:
    """The real sandbox, counting pytest runs."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.runs = inner, inner.name, 0

    def run_pytest(self, *args: Any, **kwargs: Any) -> Any:
        self.runs += 1
        return self.inner.run_pytest(*args, **kwargs)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=3, help="first N tasks that declare the rule")
    parser.add_argument("--sandbox", default="auto")
    args = parser.parse_args()
    suite = load_suite(ROOT / "tasks")
    tasks = [t for t in suite.tasks if "always-write-tests" in t.spec.rules][: args.tasks]
    print(f"load average {_load()} (before); {os.cpu_count()} cpus")
    sandbox = get_sandbox(args.sandbox)
    sandbox.warm()
    times: dict[str, list[float]] = {"uncached": [], "shared": []}
    runs = {"uncached": 0, "shared": 0}
    shared = TestsIncludedGrader()
    rules = ("always-write-tests",)
    try:
        for task in tasks:
            answers = [task.solution] + [task.variant_files(n) for n in task.variant_names]
            for mode in ("uncached", "shared"):
                counting = _Counting(sandbox)
                for files in answers:
                    grader = shared if mode == "shared" else TestsIncludedGrader()
                    ctx = GradeContext(files=files, rule_ids=rules, task=task, sandbox=counting)
                    started = time.perf_counter()
                    grader.check(ctx)
                    times[mode].append(time.perf_counter() - started)
                runs[mode] += counting.runs
    finally:
        sandbox.close()
    n = len(times["shared"])
    print(f"{len(tasks)} tasks, {n} oracle samples, sandbox {sandbox.name}")
    for mode, values in times.items():
        print(
            f"{mode:9} median {statistics.median(values):6.2f} s/sample  "
            f"mean {statistics.mean(values):6.2f} s  sandbox runs {runs[mode]}"
        )
    ratio = statistics.median(times["uncached"]) / statistics.median(times["shared"])
    median = statistics.median(times["shared"])
    verdict = "ok" if median <= TARGET_S else "OVER"
    print(f"ratio     {ratio:.2f}x (uncached median / shared median)")
    print(f"target    shared median <= {TARGET_S:.1f} s/sample: {median:.2f} s  {verdict}")
    print(f"load average {_load()} (after)")


if __name__ == "__main__":
    main()
