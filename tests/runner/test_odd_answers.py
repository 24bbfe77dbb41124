"""Odd 200 answers: infra ones are retried and never cached; the model's own count against it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytest.importorskip("anthropic")

from evals.persona import load_persona  # noqa: E402
from evals.providers.fake_server import FakeServer  # noqa: E402
from evals.runner import GradingPlan, RunConfig, Runner, grade_files, read_samples  # noqa: E402
from evals.runner._answer import answer_kind, blame_model  # noqa: E402
from evals.tasks import load_suite  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MODEL = "anthropic/claude-haiku-4-5"


def _config(suite: Path, cache_dir: Path, **kw: object) -> RunConfig:
    base: dict[str, object] = {
        "suite": str(suite),
        "personas": [str(ROOT / "personas" / "backend-engineer.md")],
        "models": [MODEL],
        "pressure": False,
        "max_concurrency": 1,
        "report": False,
        "graders": ["sql_construction"],
        "cache_dir": str(cache_dir),
    }
    base.update(kw)
    return RunConfig.model_validate(base)


@pytest.fixture()
def server(monkeypatch: pytest.MonkeyPatch) -> FakeServer:
    fake = FakeServer(api_key="k").start()
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "k")
    yield fake  # type: ignore[misc]
    fake.stop()


def _entries(cache: Path) -> int:
    return sum(1 for p in cache.rglob("*") if p.is_file()) if cache.exists() else 0


@pytest.mark.parametrize("kind", ["empty", "overloaded200"])
def test_infra_200s_are_retried_never_cached_and_resumed(
    tmp_path: Path, fixture_suite: Path, server: FakeServer, kind: str
) -> None:
    cache, run_dir = tmp_path / "cache", tmp_path / "run"
    server.forced = [kind] * 5  # one try + four retries: every attempt is odd
    config = _config(fixture_suite, cache)
    first = asyncio.run(Runner(config, run_dir).run())
    assert first.infra_errors == 1 and first.done == 0
    (sample,) = read_samples(run_dir)
    assert sample.status == "infra_error" and not sample.grades
    assert ("empty content" if kind == "empty" else "carried an error") in (sample.error or "")
    assert _entries(cache) == 0  # never cached
    server.forced = [kind]  # absorbed by one retry this time
    again = asyncio.run(Runner(config, run_dir, resume=True).run())
    assert again.done == 1 and again.infra_errors == 0
    (fixed,) = read_samples(run_dir)
    assert fixed.status == "ok" and fixed.output.startswith("reply to:")
    assert _entries(cache) == 1


@pytest.mark.parametrize("kind", ["truncated", "refusal", "binary"])
def test_the_models_own_odd_answers_are_its_failures(
    tmp_path: Path, fixture_suite: Path, server: FakeServer, kind: str
) -> None:
    server.forced = [kind]
    result = asyncio.run(Runner(_config(fixture_suite, tmp_path / "c"), tmp_path / "r").run())
    assert result.done == 1 and result.infra_errors == 0  # recorded, not retried
    (sample,) = read_samples(tmp_path / "r")
    assert sample.status == "ok"
    (grade,) = sample.grades  # the fake's answers hold no code: the tests rule fails
    assert grade.verdict == "fail" and grade.kind == ("binary" if kind == "binary" else "no_files")
    assert any(kind in note for note in sample.extraction_notes)
    assert server.count("/v1/messages") == 1


def test_undecided_grades_of_a_truncated_answer_become_fails(fixture_suite: Path) -> None:
    suite = load_suite(fixture_suite)
    task = suite.get("calc")
    persona = load_persona(ROOT / "personas" / "backend-engineer.md")
    gold = task.solution["calc.py"]
    cut = gold[: gold.index("(account,)")]  # stops mid-call: does not parse
    grading = GradingPlan.for_personas([persona], ["sql_construction", "lint"])
    grades = asyncio.run(
        grade_files(grading, persona=persona, task=task, files={"calc.py": cut}, sandbox=None)
    )
    undecided = [g for g in grades if g.verdict == "error"]
    assert undecided, grades  # the graders cannot decide on code that does not parse
    blamed = blame_model(grades, "truncated")
    for before, after in zip(grades, blamed, strict=True):
        if before.verdict == "error":
            assert after.verdict == "fail" and after.kind == "truncated"
            assert after.rule_ids == before.rule_ids and "max_tokens" in after.reason
        else:
            assert after == before
    whole = asyncio.run(
        grade_files(grading, persona=persona, task=task, files={"calc.py": gold}, sandbox=None)
    )
    assert blame_model(whole, "truncated") == whole  # nothing undecided, nothing blamed


@pytest.mark.parametrize(
    ("text", "stop", "kind"),
    [
        ("```python\nx = 1\n```", "end_turn", None),
        ("```python\nx = 1", "max_tokens", "truncated"),
        ("partial", "length", "truncated"),
        ("no", "refusal", "refusal"),
        ("", "content_filter", "refusal"),
        ("PK\x03\x04\x00\x00", "end_turn", "binary"),
        ("\x01\x02\x03\x04 abc", "end_turn", "binary"),
        ("tabs\tand\nnewlines\r\n are text", "end_turn", None),
        ("naïve café — ünïcödé", "end_turn", None),
    ],
)
def test_answer_kind(text: str, stop: str, kind: str | None) -> None:
    assert answer_kind(text, stop) == kind
