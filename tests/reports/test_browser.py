"""The scorecard in a real browser: headless Chromium (``apt-get install chromium``).

Chromium runs with ``--dump-dom`` (the DOM after parsing, styles and layout) and
``--enable-logging=stderr``, where every console message appears as an ``INFO:CONSOLE``
line. A control page with a deliberate error proves the console check can fail.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reports.scorecard import write_scorecard
from reports.synthetic import SyntheticSpec, write_synthetic_run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (apt-get install chromium)"),
]


def _chromium(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp / f"profile-{len(list(tmp.iterdir()))}"
    args = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *extra,
        page.resolve().as_uri(),
    ]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_console_check_catches_errors(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text("<!doctype html><p>x</p><script>console.error('boom'); nope();</script>")
    out = _chromium(page, tmp_path, "--dump-dom")
    assert any("boom" in line for line in _console(out.stderr))
    assert any("nope is not defined" in line for line in _console(out.stderr))


def test_scorecard_renders_without_console_errors(tmp_path: Path) -> None:
    base = write_synthetic_run(
        tmp_path / "base",
        SyntheticSpec(n_tasks=8, seed=5, models=("anthropic/claude-sonnet-4-5", "openai/gpt-5")),
    )
    run = write_synthetic_run(
        tmp_path / "run",
        SyntheticSpec(
            n_tasks=8,
            seed=6,
            isolated=False,
            pass_rates={"never-sql-concat": 0.4},
            models=("anthropic/claude-sonnet-4-5", "openai/gpt-5"),
        ),
    )
    page = write_scorecard(run, baseline=base)

    dom = _chromium(page, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert _console(dom.stderr) == []
    html = dom.stdout
    assert re.search(r"<h1>Persona scorecard:\s+backend-engineer", html)
    assert 'id="not-isolated"' in html
    for section in ("arm-1", "arm-2", "coverage", "infra-errors", "pressure", "flaky", "drilldown"):
        assert f'id="{section}"' in html, section
    assert len(re.findall(r'<tr class="rule-row"', html)) >= 24  # two models x rules
    assert html.count("<svg") == 4  # bars + heatmap per model, parsed as SVG elements
    assert re.search(r'<details class="task" id="task-[^"]+" open="?"?', html)
    assert '<span class="ln hit"' in html

    shot = tmp_path / "scorecard.png"
    res = _chromium(
        page, tmp_path, f"--screenshot={shot}", "--window-size=1400,2400", "--hide-scrollbars"
    )
    assert res.returncode == 0 and shot.stat().st_size > 50_000
    assert _console(res.stderr) == []
    keep = Path("/tmp/persona-evals-scorecard.png")
    shutil.copy(shot, keep)  # for a human to look at after the run
