"""The judge against the loopback fake API server, and pairwise mode's position bias."""

from __future__ import annotations

import asyncio
import math
from typing import Any

from conftest import Script

from evals.providers.anthropic import create
from evals.providers.openai_compat import create as create_openai
from graders import GradeContext, JudgeService, Services
from graders.judge import JudgeGrader, compare_pair, inconsistency_rate
from graders.judge._rubric import rubric_for

FILES = {"app.py": "def handler(body):\n    return body['id']\n"}


def _ctx(provider: Any) -> GradeContext:
    return GradeContext(
        files=FILES,
        rule_ids=("principle-fail-fast",),
        services=Services(JudgeService(provider.name, provider)),
    )


def _run(ctx: GradeContext) -> list[Any]:
    async def go() -> list[Any]:
        try:
            return await JudgeGrader().grade(ctx)
        finally:
            assert ctx.services.judge is not None and ctx.services.judge.provider is not None
            await ctx.services.judge.provider.aclose()

    return asyncio.run(go())


def test_fake_anthropic_server_reply_off_schema_is_retried_then_unscored(fake_server: Any) -> None:
    # The fake answers {"verdict": "pass", "echo": ...}: no reason, no quote. It must not pass.
    fake_server.forced = ["529"]  # and the first attempt is overloaded (the SDK retries it)
    provider = create(
        "claude-haiku-4-5",
        base_url=fake_server.url,
        api_key="test",
        max_retries=2,
        malformed_delay_s=0,
    )
    (grade,) = _run(_ctx(provider))
    assert grade.verdict == "unscored" and "no reason" in grade.reason
    assert fake_server.count("/v1/messages") == 3  # 529 + first reply + one retry
    sent = [r.body for r in fake_server.requests if r.fault is None]
    assert all(b["tool_choice"]["name"] == "record_verdicts" for b in sent)


def test_fake_openai_server_tool_call_goes_through_the_same_checks(fake_server: Any) -> None:
    provider = create_openai("gpt-4.1-mini", base_url=f"{fake_server.url}/v1", api_key="test")
    (grade,) = _run(_ctx(provider))
    assert grade.verdict == "unscored"
    body = fake_server.requests[0].body
    assert body["tools"][0]["function"]["name"] == "record_verdicts"


def _pair_reply(choose: Any) -> Any:
    def reply(body: dict[str, Any]) -> dict[str, Any]:
        winner = choose(body["messages"][0]["content"])
        return {
            "id": "m",
            "type": "message",
            "role": "assistant",
            "model": "claude-haiku-4-5",
            "content": [
                {
                    "type": "tool_use",
                    "id": "t",
                    "name": "record_preference",
                    "input": {"winner": winner, "reason": "r", "quote": ""},
                }
            ],
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 5},
        }

    return reply


def _compare(script: Script) -> Any:
    rule = rubric_for("principle-readability")
    assert rule is not None

    async def go() -> Any:
        provider = script.provider()
        try:
            return await compare_pair(provider, rule, "task", "GOOD = 1\n", "bad=1;x=2\n")
        finally:
            await provider.aclose()

    return asyncio.run(go())


def test_pairwise_consistent_judge_picks_the_same_output_in_both_orders() -> None:
    def by_content(user: str) -> str:  # prefers whichever slot holds GOOD
        return "A" if user.index("GOOD = 1") < user.index("bad=1") else "B"

    script = Script(_pair_reply(by_content))
    result = _compare(script)
    assert result.verdict == "A" and result.first == "A" and result.swapped == "A"
    assert len(script.requests) == 2
    first, second = (r["messages"][0]["content"] for r in script.requests)
    assert first.index("GOOD = 1") < first.index("bad=1")
    assert second.index("bad=1") < second.index("GOOD = 1")


def test_pairwise_position_biased_judge_is_inconsistent() -> None:
    result = _compare(Script(_pair_reply(lambda _user: "A")))  # always the first slot
    assert result.verdict == "inconsistent" and not result.consistent
    consistent = _compare(Script(_pair_reply(lambda _user: "tie")))
    assert consistent.verdict == "tie"
    assert inconsistency_rate([result, consistent]) == 0.5
    assert math.isnan(inconsistency_rate([]))


def test_compare_runs_pairs_samples_and_reports_per_rule(tmp_path: Any) -> None:
    from evals.runner import RunLog, write_manifest
    from evals.schema import Manifest, Sample
    from graders.judge.pairwise_runs import compare_runs

    for name, code in (("a", "GOOD = 1\n"), ("b", "bad=1;x=2\n")):
        run = tmp_path / name
        run.mkdir()
        write_manifest(run, Manifest(run_id=name, harness_version="0"))
        log = RunLog(run)
        log.append(
            Sample(
                sample_id=f"{name}1",
                task_id="t",
                model="m",
                persona="p",
                persona_ref=name,
                persona_sha=name,
                files={"x.py": code},
            )
        )
        log.close()
    script = Script(_pair_reply(lambda _user: "A"))  # position-biased judge

    async def go() -> Any:
        provider = script.provider()
        try:
            return await compare_runs(
                provider,
                "anthropic/claude-haiku-4-5",
                tmp_path / "a",
                tmp_path / "b",
                ["principle-readability"],
            )
        finally:
            await provider.aclose()

    table, rate = asyncio.run(go())
    assert rate == 1.0 and table.loc[0, "inconsistent"] == 1 and table.loc[0, "pairs"] == 1
