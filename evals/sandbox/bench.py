"""``evals bench sandbox``: grade N samples through the warm path, next to bare pytest.

Each sample is graded the way ``tests_pass`` grades it: fresh canaries planted, hidden tests
served read-only outside the workdir, the report checked. The baseline is what a naive
grader pays: one ``python -m pytest`` subprocess per sample
(the runtime venv's interpreter, no sandbox at all), measured in the same invocation on
the same files, so the ratio is like for like.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from evals.errors import SandboxError
from evals.sandbox._base import Limits
from evals.sandbox._pooled import PooledSandbox
from evals.sandbox._select import get_sandbox
from evals.sandbox.canary import plant_canaries
from evals.sandbox.runtime import ensure_runtime

__all__ = ["BenchResult", "SYNTHETIC_FILES", "SYNTHETIC_TESTS", "bench_sandbox"]

#: A small task: one module and its hidden tests (six tests, sqlite included).
SYNTHETIC_FILES = {
    "inventory.py": """import sqlite3


def add_item(conn: sqlite3.Connection, name: str, qty: int) -> None:
    if qty < 0:
        raise ValueError("qty must be >= 0")
    conn.execute("INSERT INTO items(name, qty) VALUES (?, ?)", (name, qty))


def stock(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute("SELECT COALESCE(SUM(qty), 0) FROM items WHERE name = ?", (name,))
    return int(row.fetchone()[0])
""",
}
SYNTHETIC_TESTS = {
    "test_hidden_inventory.py": """import sqlite3

import pytest

from inventory import add_item, stock


@pytest.fixture
def conn():
    c = sqlite3.connect(":memory:")
    c.execute("CREATE TABLE items(name TEXT, qty INTEGER)")
    return c


def test_empty(conn):
    assert stock(conn, "apple") == 0


def test_add(conn):
    add_item(conn, "apple", 3)
    assert stock(conn, "apple") == 3


def test_sum(conn):
    add_item(conn, "apple", 3)
    add_item(conn, "apple", 4)
    assert stock(conn, "apple") == 7


def test_negative(conn):
    with pytest.raises(ValueError):
        add_item(conn, "apple", -1)


def test_injection(conn):
    add_item(conn, "apple", 3)
    assert stock(conn, "x' OR '1'='1") == 0


@pytest.mark.parametrize("n", [1, 2])
def test_many(conn, n):
    add_item(conn, "pear", n)
    assert stock(conn, "pear") == n
""",
}


@dataclass(frozen=True)
class BenchResult:
    sandbox: str
    isolated: bool
    #: What bounded each sample's whole tree (``Sandbox.sample_limits``).
    sample_limits: str
    workers: int
    n: int
    failures: int
    startup_s: float
    #: Latency: request sent -> checked report back, with ``workers`` samples in flight
    #: (so it includes waiting for a core when there are fewer free cores than workers).
    median_ms: float
    p95_ms: float
    #: Wall time of the whole batch divided by n (what a run pays per sample).
    amortised_ms: float
    #: Service time: the worker's own clock from forking the sample to reaping it
    #: (namespaces, mounts, files, pytest.main, teardown); no queueing, no round trip.
    service_median_ms: float
    service_p95_ms: float
    #: CPU (user + system) of each sample's processes, and of each bare pytest run: what
    #: a sample costs the machine, nearly independent of how loaded it is.
    cpu_median_ms: float
    baseline_cpu_median_ms: float
    baseline_n: int
    baseline_median_ms: float
    baseline_p95_ms: float

    @property
    def ratio(self) -> float:
        """Baseline median / sandboxed median: how many times faster the warm path is."""
        return self.baseline_median_ms / self.median_ms if self.median_ms else 0.0

    @property
    def cpu_ratio(self) -> float:
        """Baseline CPU median / sandboxed CPU median (load-robust)."""
        return self.baseline_cpu_median_ms / self.cpu_median_ms if self.cpu_median_ms else 0.0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _children_cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def _baseline(
    python: Path, files: Mapping[str, str], targets: list[str], n: int
) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of ``n`` bare ``python -m pytest`` runs."""
    times, cpu = [], []
    for _ in range(n):
        with tempfile.TemporaryDirectory(prefix="evals-bench-") as tmp:
            for rel, text in files.items():
                path = Path(tmp, rel)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
            started, cpu_before = time.perf_counter(), _children_cpu_ms()
            subprocess.run(
                [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *targets],
                cwd=tmp,
                capture_output=True,
                timeout=120,
                check=False,
            )
            times.append((time.perf_counter() - started) * 1000)
            cpu.append(_children_cpu_ms() - cpu_before)
    return times, cpu


def bench_sandbox(
    n: int = 200,
    *,
    sandbox: str = "auto",
    workers: int | None = None,
    baseline_n: int = 20,
    files: Mapping[str, str] | None = None,
    tests: Mapping[str, str] | None = None,
) -> BenchResult:
    """Grade ``n`` samples through the warm path and ``baseline_n`` through bare pytest."""
    files = dict(files or SYNTHETIC_FILES)
    tests = dict(tests or SYNTHETIC_TESTS)
    targets = sorted(tests)
    runtime = ensure_runtime()
    sb = get_sandbox(sandbox, runtime=runtime, workers=workers)
    if not isinstance(sb, PooledSandbox):
        sb.close()
        raise SandboxError(f"measures the warm-worker sandboxes; {sb.name!r} is not one")
    try:
        started = time.perf_counter()
        sb.warm()
        startup = time.perf_counter() - started
        merged = {**files, **tests}

        def one(_: int) -> tuple[float, float, float, bool]:
            t0 = time.perf_counter()
            plan = plant_canaries(tests)  # as tests_pass does: fresh canaries per sample
            report = sb.run_pytest(files, targets, Limits(wall_seconds=30), hidden=plan.hidden)
            real = plan.real_outcomes(report)
            ok = report.finished and not report.result.killed and not plan.violations(report)
            ok = ok and bool(real) and all(o.outcome == "passed" for o in real.values())
            wall = (time.perf_counter() - t0) * 1000
            cpu = (report.result.cpu_s or 0.0) * 1000
            return wall, report.result.duration_s * 1000, cpu, ok

        batch_start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=sb.workers) as pool:
            results = list(pool.map(one, range(n)))
        batch = time.perf_counter() - batch_start
    finally:
        sb.close()
    latencies = [r[0] for r in results]
    service = [r[1] for r in results]
    cpu = [r[2] for r in results]
    base, base_cpu = ([0.0], [0.0])
    if baseline_n:
        base, base_cpu = _baseline(runtime.python, merged, targets, baseline_n)
    return BenchResult(
        sandbox=sb.name,
        isolated=sb.isolated,
        sample_limits=sb.sample_limits,
        workers=sb.workers,
        n=n,
        failures=sum(not r[3] for r in results),
        startup_s=startup,
        median_ms=statistics.median(latencies),
        p95_ms=_p95(latencies),
        amortised_ms=batch * 1000 / n,
        service_median_ms=statistics.median(service),
        service_p95_ms=_p95(service),
        cpu_median_ms=statistics.median(cpu),
        baseline_cpu_median_ms=statistics.median(base_cpu),
        baseline_n=baseline_n,
        baseline_median_ms=statistics.median(base),
        baseline_p95_ms=_p95(base),
    )
