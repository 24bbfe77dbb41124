"""Ask a judge about some rules on one output: ``n`` samples, one retry, majority vote."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from evals.errors import ProviderError
from evals.providers import Provider, ProviderRequest, ProviderResponse
from graders.judge._rubric import TOOL_NAME, Rubric, render_prompt, verdicts_tool
from graders.judge._verdict import Vote, VoteResult, majority, parse_votes

__all__ = ["RETRY_EPOCH", "JudgeOutcome", "judge_rules"]

#: Retries use epoch ``RETRY_EPOCH + i``: a distinct cache key, or the response cache
#: would hand back the same invalid reply.
RETRY_EPOCH = 10_000
MAX_TOKENS = 2048


@dataclass
class JudgeOutcome:
    """Per-rule results of one judging, and what it cost."""

    results: dict[str, VoteResult]
    cost_usd: float = 0.0
    calls: int = 0
    cached_calls: int = 0
    retries: int = 0
    errors: list[str] = field(default_factory=list)
    model: str | None = None


def _request(
    model: str,
    rules: Sequence[Rubric],
    task_prompt: str,
    files: Mapping[str, str],
    epoch: int,
    temperature: float,
) -> ProviderRequest:
    system, user = render_prompt(rules, task_prompt, files)
    return ProviderRequest(
        model=model,
        system=system,
        messages=({"role": "user", "content": user},),
        max_tokens=MAX_TOKENS,
        temperature=temperature,
        epoch=epoch,
        tools=(verdicts_tool([r.id for r in rules]),),
        tool_choice={"type": "tool", "name": TOOL_NAME},
        purpose="judge",
    )


async def _sample(
    provider: Provider,
    model: str,
    rules: Sequence[Rubric],
    task_prompt: str,
    files: Mapping[str, str],
    index: int,
    outcome: JudgeOutcome,
    temperature: float,
) -> dict[str, Vote]:
    votes: dict[str, Vote] = {}
    pending = list(rules)
    for attempt in range(2):  # the first try and one retry
        epoch = index + attempt * RETRY_EPOCH
        try:
            request = _request(model, pending, task_prompt, files, epoch, temperature)
            response = await provider.generate(request)
        except ProviderError as exc:
            outcome.errors.append(str(exc))
            failed = f"judge call failed: {exc}"
            votes.update({r.id: Vote(r.id, "error", problem=failed) for r in pending})
            return votes
        _account(outcome, response, retry=attempt > 0)
        got = parse_votes(response.tool_calls, [r.id for r in pending], files, TOOL_NAME)
        votes.update(got)
        pending = [r for r in pending if got[r.id].verdict == "invalid"]
        if not pending:
            break
    return votes


def _account(outcome: JudgeOutcome, response: ProviderResponse, *, retry: bool) -> None:
    outcome.calls += 1
    outcome.cached_calls += int(response.cached)
    outcome.retries += int(retry)
    outcome.cost_usd += response.cost_usd
    outcome.model = outcome.model or response.model


async def judge_rules(
    provider: Provider,
    model: str,
    rules: Sequence[Rubric],
    task_prompt: str,
    files: Mapping[str, str],
    n: int = 1,
) -> JudgeOutcome:
    """Judge ``rules`` on ``files`` with ``n`` independent samples (epochs ``0..n-1``).

    Each sample's invalid entries are asked again once (epoch ``RETRY_EPOCH + i``); what is
    still invalid counts as an ungrounded vote. Provider failures are recorded in
    ``errors`` and count likewise, so nothing here ever turns into a silent pass.
    """
    outcome = JudgeOutcome(results={})
    # One sample reads at temperature 0; a vote needs draws that can differ.
    temperature = 0.0 if n == 1 else 1.0
    samples = await asyncio.gather(
        *(
            _sample(provider, model, rules, task_prompt, files, i, outcome, temperature)
            for i in range(n)
        )
    )
    for rule in rules:
        outcome.results[rule.id] = majority(rule.id, [s[rule.id] for s in samples])
    return outcome
