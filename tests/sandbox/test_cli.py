"""`evals doctor` and `evals bench sandbox` through typer's CliRunner."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from evals.cli import app
from evals.sandbox.bwrap import bwrap_problem

runner = CliRunner()


def test_doctor_reports_sandbox_and_runtime() -> None:
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "runtime    ready" in result.output
    if bwrap_problem():
        assert "NOT ISOLATED" in result.output and "apt-get install bubblewrap" in result.output
    else:
        assert "sandbox    bwrap (isolated)" in result.output
    assert re.search(r"probe      ran a command in the sandbox \(\d+ ms", result.output)
    assert re.search(r"limits     (cgroup-v2|cgroup-v1|watch): \S", result.output)


def test_doctor_names_the_watch_for_the_process_sandbox() -> None:
    result = runner.invoke(app, ["doctor", "--sandbox", "process", "--no-probe"])
    assert "limits     watch: process sandbox" in result.output


def test_doctor_process_is_marked_not_isolated() -> None:
    result = runner.invoke(app, ["doctor", "--sandbox", "process", "--no-probe"])
    assert result.exit_code == 0
    assert "process (NOT ISOLATED)" in result.output
    assert "apt-get install bubblewrap" in result.output


def test_doctor_unknown_sandbox_is_one_line_error() -> None:
    result = runner.invoke(app, ["doctor", "--sandbox", "docker"])
    assert result.exit_code == 2
    assert "unknown sandbox 'docker'" in result.output


@pytest.mark.slow  # a benchmark run as a test (~10 s): CI runs it with -m slow
@pytest.mark.parametrize("kind", [pytest.param("bwrap", marks=pytest.mark.sandbox), "process"])
def test_bench_sandbox_measures_what_it_prints(kind: str) -> None:
    """The benchmark grades every sample to a pass and its printed figures agree."""
    if kind == "bwrap" and bwrap_problem():
        pytest.skip(bwrap_problem())
    result = runner.invoke(
        app, ["bench", "sandbox", "--n", "6", "--baseline-n", "2", "--sandbox", kind]
    )
    assert result.exit_code == 0, result.output  # exit 1 when any sample did not pass
    out = result.output
    sandbox = re.search(r"sandbox      (\w+)", out)
    assert sandbox is not None and sandbox.group(1) == kind
    limits = re.search(r"sample tree limits: (cgroup-v2|cgroup-v1|watch)$", out, re.M)
    assert limits is not None and (kind == "bwrap" or limits.group(1) == "watch"), out
    warm = re.search(r"n=6, \d+ in flight: median ([\d.]+) ms, p95 ([\d.]+) ms", out)
    service = re.search(r"service      median ([\d.]+) ms, p95 ([\d.]+) ms", out)
    assert service and 0 < float(service.group(1)) <= float(service.group(2)), out
    base = re.search(r"n=2 .* median ([\d.]+) ms, p95 ([\d.]+) ms", out)
    ratio = re.search(r"ratio        ([\d.]+)x", out)
    assert warm and base and ratio, out
    median, p95 = float(warm.group(1)), float(warm.group(2))
    base_median = float(base.group(1))
    assert 0 < median <= p95 and base_median > 0
    # The ratio is the two printed medians' quotient (up to their rounding).
    assert float(ratio.group(1)) == pytest.approx(base_median / median, rel=0.05, abs=0.01)


def test_bench_rejects_zero_samples() -> None:
    result = runner.invoke(app, ["bench", "sandbox", "--n", "0"])
    assert result.exit_code == 2 and "--n" in result.output
