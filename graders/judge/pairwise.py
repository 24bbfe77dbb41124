"""Pairwise mode: which of two outputs follows a rule better, asked in both orders.

The judge sees (A, B) and then (B, A). A verdict counts only when both orders name the
same output (or both say tie); otherwise it is ``inconsistent``, and the share of
inconsistent pairs is the judge's position bias on that comparison.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from evals.errors import ProviderError
from evals.providers import Provider, ProviderRequest
from graders.judge._rubric import Rubric, render_pairwise

__all__ = ["PAIR_TOOL", "PairwiseResult", "compare_pair", "inconsistency_rate"]

PAIR_TOOL = "record_preference"
Choice = Literal["A", "B", "tie"]
Winner = Literal["A", "B", "tie", "inconsistent", "invalid"]


@dataclass(frozen=True)
class PairwiseResult:
    """Both orders' answers, mapped back to the caller's A/B, and the combined verdict."""

    rule_id: str
    #: Answer when A was shown first, and when B was shown first (in the caller's terms).
    first: Choice | None
    swapped: Choice | None
    verdict: Winner
    reason: str
    cost_usd: float = 0.0

    @property
    def consistent(self) -> bool:
        return self.verdict in ("A", "B", "tie")


def _tool() -> dict[str, object]:
    return {
        "name": PAIR_TOOL,
        "description": "Record which output follows the rule better.",
        "input_schema": {
            "type": "object",
            "properties": {
                "winner": {"type": "string", "enum": ["A", "B", "tie"]},
                "reason": {"type": "string"},
                "quote": {"type": "string"},
            },
            "required": ["winner", "reason", "quote"],
        },
    }


async def _ask(
    provider: Provider, model: str, rule: Rubric, prompt: str, first: str, second: str, epoch: int
) -> tuple[Choice | None, str, float]:
    system, user = render_pairwise(rule, prompt, first, second, PAIR_TOOL)
    request = ProviderRequest(
        model=model,
        system=system,
        messages=({"role": "user", "content": user},),
        max_tokens=1024,
        epoch=epoch,
        tools=(_tool(),),
        tool_choice={"type": "tool", "name": PAIR_TOOL},
        purpose="judge",
    )
    cost = 0.0
    for attempt in range(2):  # one retry on an invalid reply, on a fresh cache key
        try:
            response = await provider.generate(
                request if attempt == 0 else _with_epoch(request, epoch + 10_000)
            )
        except ProviderError as exc:
            return None, f"judge call failed: {exc}", cost
        cost += response.cost_usd
        for call in response.tool_calls:
            winner = call.input.get("winner")
            reason = call.input.get("reason")
            if call.name == PAIR_TOOL and winner in ("A", "B", "tie") and isinstance(reason, str):
                return winner, reason, cost
    return None, "invalid reply twice", cost


def _with_epoch(request: ProviderRequest, epoch: int) -> ProviderRequest:
    from dataclasses import replace

    return replace(request, epoch=epoch)


def _unswap(choice: Choice | None) -> Choice | None:
    return {"A": "B", "B": "A", "tie": "tie", None: None}[choice]


async def compare_pair(
    provider: Provider,
    rule: Rubric,
    task_prompt: str,
    output_a: str,
    output_b: str,
    *,
    model: str | None = None,
    epoch: int = 0,
) -> PairwiseResult:
    """Ask which of ``output_a``/``output_b`` follows ``rule`` better, in both orders."""
    name = model or provider.name
    (ab, why_ab, c1), (ba, why_ba, c2) = await asyncio.gather(
        _ask(provider, name, rule, task_prompt, output_a, output_b, epoch),
        _ask(provider, name, rule, task_prompt, output_b, output_a, epoch),
    )
    swapped = _unswap(ba)
    if ab is None or swapped is None:
        verdict: Winner = "invalid"
        reason = why_ab if ab is None else why_ba
    elif ab == swapped:
        verdict, reason = ab, why_ab
    else:
        verdict = "inconsistent"
        reason = f"A first: {ab} ({why_ab}); B first: {swapped} ({why_ba})"
    return PairwiseResult(rule.id, ab, swapped, verdict, reason, c1 + c2)


def inconsistency_rate(results: Iterable[PairwiseResult]) -> float:
    """Share of valid comparisons whose two orders disagree (position bias); NaN if none."""
    valid = [r for r in results if r.verdict != "invalid"]
    if not valid:
        return float("nan")
    return sum(r.verdict == "inconsistent" for r in valid) / len(valid)
