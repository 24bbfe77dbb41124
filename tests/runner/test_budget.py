"""--max-cost through the real anthropic SDK against the fake API at 30 % faults.

The run must end at most one request's cost above the cap (reservations are taken before
dispatch), and a resume whose cap is already spent must send nothing and say so.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytest.importorskip("anthropic")

from evals.providers.cost import reserve_usd  # noqa: E402
from evals.providers.fake_server import FakeServer  # noqa: E402
from evals.runner import RunConfig, Runner, read_manifest, read_samples  # noqa: E402
from evals.runner._budget import Budget  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MODEL = "anthropic/claude-haiku-4-5"


def _config(suite: Path, **kw: object) -> RunConfig:
    base: dict[str, object] = {
        "suite": str(suite),
        "personas": [str(ROOT / "personas" / "backend-engineer.md")],
        "models": [MODEL],
        "epochs": 10,
        "max_concurrency": 6,
        "max_tokens": 400,
        "report": False,
        "cache": False,
        "graders": ["sql_construction"],
    }
    base.update(kw)
    return RunConfig.model_validate(base)


@pytest.fixture()
def server(monkeypatch: pytest.MonkeyPatch) -> FakeServer:
    fake = FakeServer(api_key="k", fault_rate=0.3, seed=3, hang_s=0.2, retry_after_s=0.02)
    fake.start()
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "k")
    yield fake  # type: ignore[misc]
    fake.stop()


def _spent(run_dir: Path) -> tuple[float, float]:
    costs = [s.cost_usd + s.judge_cost_usd for s in read_samples(run_dir)]
    return sum(costs), max(costs)


@pytest.mark.parametrize("fraction", [0.2, 0.55])
def test_max_cost_overshoots_by_at_most_one_request_under_faults(
    tmp_path: Path, fixture_suite: Path, server: FakeServer, fraction: float
) -> None:
    free = asyncio.run(Runner(_config(fixture_suite), tmp_path / "free").run())
    assert free.done == free.planned == 20
    full, _ = _spent(tmp_path / "free")
    cap = full * fraction
    faults_before = sum(1 for r in server.requests if r.fault)
    run_dir = tmp_path / "capped"
    result = asyncio.run(Runner(_config(fixture_suite, max_cost=cap), run_dir).run())
    assert sum(1 for r in server.requests if r.fault) > faults_before  # faults happened
    spent, largest = _spent(run_dir)
    assert result.stopped_by_budget and result.done < result.planned
    # Admission only refuses once the cap is reached, so it never stops early either.
    assert cap <= spent <= cap + largest, (spent, cap, largest)
    print(f"cap ${cap:.5f} spent ${spent:.5f} largest ${largest:.5f} of {result.done} samples")
    manifest = read_manifest(run_dir)
    assert manifest.state == "incomplete" and any("--max-cost" in n for n in manifest.notes)
    before = server.count()
    again = asyncio.run(Runner(_config(fixture_suite, max_cost=cap), run_dir, resume=True).run())
    assert server.count() == before  # a spent cap sends nothing...
    assert again.unstarted == again.planned - again.done > 0
    assert "0 requests made" in again.budget_note  # ...and says so
    assert read_manifest(run_dir).notes[-1] == again.budget_note
    ids = [s.sample_id for s in read_samples(run_dir)]
    assert len(ids) == len(set(ids))


def test_admission_reserves_before_dispatch() -> None:
    async def go() -> list[str]:
        budget = Budget(cap=1.0)
        events: list[str] = []

        async def request(name: str, estimate: float, actual: float) -> None:
            if await budget.admit(estimate):
                events.append(f"start {name}")
                await asyncio.sleep(0.01)
                await budget.settle(estimate, actual)
            else:
                events.append(f"refused {name}")

        await asyncio.gather(request("a", 0.6, 0.5), request("b", 0.6, 0.6), request("c", 0.6, 0.1))
        return events

    events = asyncio.run(go())
    # a fits; b waits for a to settle (0.5 + 0.6 > 1 while a is reserved), then runs
    # alone as the one request allowed past the cap; c finds the cap spent.
    assert events == ["start a", "start b", "refused c"]


def test_reservation_is_an_upper_bound_of_the_real_cost(
    tmp_path: Path, fixture_suite: Path, server: FakeServer
) -> None:
    from evals.persona import load_persona
    from evals.providers import get_provider
    from evals.runner import build_plan
    from evals.runner._sample import build_request
    from evals.tasks import load_suite

    config = _config(fixture_suite, epochs=2)
    asyncio.run(Runner(config, tmp_path / "run").run())
    provider = get_provider(MODEL)
    plan = build_plan(
        [load_persona(config.personas[0])], [provider], list(load_suite(config.suite).tasks), 2
    )
    real = {s.sample_id: s.cost_usd for s in read_samples(tmp_path / "run")}
    for item in plan:
        reserved = reserve_usd(MODEL, build_request(item, config.max_tokens, 0.0))
        assert real[item.sample_id] <= reserved
    asyncio.run(provider.aclose())
