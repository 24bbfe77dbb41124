"""Build a trajectory's turns and tool calls from the exchanges the proxy recorded.

Tool calls come from the ``tool_use`` blocks of each answer; their outputs from the
``tool_result`` blocks of the later request that carries them back, so the record is
what the model was really shown. A turn is ``subagent`` when its system prompt holds
the persona while the session's main thread does not (delegation mode).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evals.agent.proxy import Exchange
from evals.log import ToolStep, Turn
from evals.log._trajectory import MAX_OUTPUT_CHARS, trim, trim_value

__all__ = ["system_text", "turns_and_tools"]


def system_text(request: dict[str, Any]) -> str:
    """The request's system prompt as one string (blocks joined)."""
    system = request.get("system")
    if isinstance(system, str):
        return system
    if isinstance(system, list):
        return "\n".join(str(b.get("text", "")) for b in system if isinstance(b, dict))
    return ""


def _result_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
    return ""


def _tool_results(request: dict[str, Any]) -> list[dict[str, Any]]:
    messages = request.get("messages") or []
    if not messages or not isinstance(messages[-1], dict):
        return []
    content = messages[-1].get("content")
    if not isinstance(content, list):
        return []
    return [b for b in content if isinstance(b, dict) and b.get("type") == "tool_result"]


def turns_and_tools(
    exchanges: Sequence[Exchange], *, persona_marker: str, mode: str
) -> tuple[list[Turn], list[ToolStep]]:
    """Turns (model calls that offered tools) and tool calls, in order."""
    turns: list[Turn] = []
    steps: dict[str, ToolStep] = {}
    ended: dict[str, float] = {}
    for ex in exchanges:
        if ex.path != "/v1/messages" or not ex.request.get("tools"):
            continue
        for block in _tool_results(ex.request):
            step = steps.get(str(block.get("tool_use_id")))
            if step is not None and not step.output:
                step.output = trim(_result_text(block.get("content")), MAX_OUTPUT_CHARS)
                step.is_error = bool(block.get("is_error"))
                step.duration_s = max(0.0, ex.started_s - ended.get(step.id, ex.started_s))
        has_persona = bool(persona_marker) and persona_marker in system_text(ex.request)
        agent = "subagent" if mode == "delegate" and has_persona else "main"
        content = ex.message.get("content") or []
        text = "".join(str(b.get("text", "")) for b in content if b.get("type") == "text")
        ids = []
        for block in content:
            if block.get("type") != "tool_use":
                continue
            step = ToolStep(
                id=str(block.get("id")),
                name=str(block.get("name")),
                input=trim_value(block.get("input") or {}),
                turn=len(turns),
                agent=agent,
                started_s=round(ex.started_s + ex.duration_s, 4),
            )
            steps[step.id] = step
            ended[step.id] = ex.started_s + ex.duration_s
            ids.append(step.id)
        turns.append(
            Turn(
                index=len(turns),
                agent=agent,
                model=str(ex.message.get("model") or ex.request.get("model") or ""),
                started_s=round(ex.started_s, 4),
                duration_s=round(ex.duration_s, 4),
                status=ex.status,
                stop_reason=ex.message.get("stop_reason"),
                text=trim(text, MAX_OUTPUT_CHARS),
                tool_use_ids=ids,
                usage=ex.usage,
                cost_usd=ex.cost_usd,
                error=ex.error,
            )
        )
    return turns, list(steps.values())
