"""``evals bench report``: time the scorecard on a large synthetic run.

The synthetic run is written first (not timed); then :func:`write_scorecard` runs under
a wall clock. Peak RSS comes from ``getrusage`` (the process high-water mark), and the
RSS growth during the report is reported separately so a reader can see the report's
memory does not scale with the run (the JSONL is streamed; outputs are not kept).
"""

from __future__ import annotations

import math
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from reports.scorecard import write_scorecard
from reports.synthetic import SyntheticSpec, write_synthetic_run

__all__ = ["BenchResult", "bench_report"]


@dataclass(frozen=True)
class BenchResult:
    n: int
    grades: int
    jsonl_mb: float
    html_mb: float
    generate_s: float
    report_s: float
    rss_before_mb: float
    rss_peak_mb: float


def _maxrss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def bench_report(
    n: int, *, models: int = 4, epochs: int = 5, workdir: Path | None = None
) -> BenchResult:
    """Generate ``n`` synthetic samples and time one scorecard over them.

    Args:
        n: Samples in the run.
        models: Candidate models (the run has one scorecard section per model).
        epochs: Epochs per task.
        workdir: Where to write the run (default: a temporary folder, removed after).
    """
    names = tuple(f"anthropic/model-{i}" for i in range(models))
    per_task = models * epochs * (1 + 1 / 3)  # a pressure prompt on every third task
    spec = SyntheticSpec(
        n_tasks=max(1, math.ceil(n / per_task)), epochs=epochs, models=names, seed=7, max_samples=n
    )
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        run_dir = Path(tmp) / "bench-run"
        t0 = time.perf_counter()
        write_synthetic_run(run_dir, spec)
        generated = time.perf_counter() - t0
        rss_before = _maxrss_mb()
        t1 = time.perf_counter()
        html = write_scorecard(run_dir)
        elapsed = time.perf_counter() - t1
        jsonl = (run_dir / "samples.jsonl").stat().st_size / 1e6
        with (run_dir / "samples.jsonl").open("rb") as fh:
            grades = sum(line.count(b'"grader"') for line in fh)
        return BenchResult(
            n,
            grades,
            jsonl,
            html.stat().st_size / 1e6,
            generated,
            elapsed,
            rss_before,
            _maxrss_mb(),
        )
