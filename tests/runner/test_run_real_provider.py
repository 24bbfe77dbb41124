"""The runner with the real anthropic provider against the fake API on 127.0.0.1.

Budget stop and resume, auth errors stopping the run at once, injected faults retried on
resume with nothing lost, and the response cache making a re-run free.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytest.importorskip("anthropic")

from evals.errors import AuthenticationError  # noqa: E402
from evals.providers.fake_server import FakeServer  # noqa: E402
from evals.runner import RunConfig, Runner, read_manifest, read_samples  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MODEL = "anthropic/claude-haiku-4-5"


def _config(suite: Path, cache_dir: Path, **kw: object) -> RunConfig:
    base: dict[str, object] = {
        "suite": str(suite),
        "personas": [str(ROOT / "personas" / "backend-engineer.md")],
        "models": [MODEL],
        "epochs": 4,
        "max_concurrency": 1,
        "report": False,
        "graders": ["sql_construction"],
        "cache_dir": str(cache_dir),
    }
    base.update(kw)
    return RunConfig.model_validate(base)


@pytest.fixture()
def server(monkeypatch: pytest.MonkeyPatch) -> FakeServer:
    fake = FakeServer(api_key="test-key").start()
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    yield fake  # type: ignore[misc]
    fake.stop()


def _ids(run_dir: Path) -> list[str]:
    return [s.sample_id for s in read_samples(run_dir)]


def test_budget_stops_scheduling_and_resume_completes(
    tmp_path: Path, fixture_suite: Path, server: FakeServer
) -> None:
    run_dir = tmp_path / "run"
    config = _config(fixture_suite, tmp_path / "cache", max_cost=1e-9)
    result = asyncio.run(Runner(config, run_dir).run())
    assert result.stopped_by_budget and result.done == 1 < result.planned == 8
    manifest = read_manifest(run_dir)
    assert manifest.state == "incomplete" and "--max-cost" in manifest.notes[0]
    (first,) = read_samples(run_dir)
    assert first.cost_usd > 0 and first.usage.input_tokens > 0
    resumed = asyncio.run(Runner(config.merged({"max_cost": 100.0}), run_dir, resume=True).run())
    assert resumed.done == 8 and read_manifest(run_dir).state == "complete"
    assert len(set(_ids(run_dir))) == len(_ids(run_dir)) == 8


def test_authentication_error_stops_the_run_at_once(
    tmp_path: Path, fixture_suite: Path, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "wrong-key")
    run_dir = tmp_path / "run"
    with pytest.raises(AuthenticationError):
        asyncio.run(Runner(_config(fixture_suite, tmp_path / "cache"), run_dir).run())
    assert server.count() == 1  # not one request per planned sample
    assert read_manifest(run_dir).state == "incomplete"
    assert _ids(run_dir) == []


def test_faults_become_infra_errors_and_resume_loses_nothing(
    tmp_path: Path, fixture_suite: Path, server: FakeServer
) -> None:
    # Five 500s in a row exhaust the provider's retries (1 try + 4 retries) for one sample;
    # the malformed bodies after them are retried and recovered.
    server.forced = ["500"] * 5 + ["malformed", "429", "529"]
    run_dir = tmp_path / "run"
    config = _config(fixture_suite, tmp_path / "cache", max_concurrency=1)
    first = asyncio.run(Runner(config, run_dir).run())
    assert first.done + first.infra_errors == 8
    assert first.infra_errors == 1
    assert sum(1 for r in server.requests if r.fault) == 8
    samples = list(read_samples(run_dir))
    for sample in samples:
        if sample.status == "infra_error":
            assert sample.error and not sample.grades
    assert read_manifest(run_dir).state in ("complete", "incomplete")
    asyncio.run(Runner(config, run_dir, resume=True).run())
    latest = {s.sample_id: s for s in read_samples(run_dir)}
    assert len(latest) == 8 and all(s.status == "ok" for s in latest.values())


def test_cached_rerun_makes_zero_requests(
    tmp_path: Path, fixture_suite: Path, server: FakeServer
) -> None:
    config = _config(fixture_suite, tmp_path / "cache", max_concurrency=4)
    asyncio.run(Runner(config, tmp_path / "a").run())
    before = server.count()
    again = asyncio.run(Runner(config, tmp_path / "b").run())
    assert again.done == 8 and server.count() == before
    assert all(s.cached and s.cost_usd == 0 for s in read_samples(tmp_path / "b"))
    fresh = asyncio.run(Runner(config.merged({"cache": False}), tmp_path / "c").run())
    assert fresh.done == 8 and server.count() == before + 8


def test_judge_runs_in_evals_run_and_skips_without_credentials(
    tmp_path: Path, fixture_suite: Path, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(
        fixture_suite,
        tmp_path / "cache",
        models=["oracle/gold"],
        epochs=1,
        pressure=False,
        graders=["sql_construction", "judge"],
        judge=MODEL,
    )
    result = asyncio.run(Runner(config, tmp_path / "judged").run())
    assert result.done == 1
    (sample,) = read_samples(tmp_path / "judged")
    judged = [g for g in sample.grades if g.grader == "judge"]
    assert {tuple(g.rule_ids) for g in judged} >= {("principle-readability",)}
    # The fake judge's canned tool call quotes nothing from the answer: never a pass.
    assert all(g.verdict in ("unscored", "error") for g in judged), judged
    assert server.count("/v1/messages") >= 1
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    asyncio.run(Runner(config.merged({"cache": False}), tmp_path / "offline").run())
    (offline,) = read_samples(tmp_path / "offline")
    skipped = [g for g in offline.grades if g.grader == "judge"]
    assert skipped and all(g.verdict == "skipped" for g in skipped)
    assert "no credentials" in skipped[0].reason
