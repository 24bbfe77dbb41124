"""ProviderRequest → Messages API parameters, and Message → ProviderResponse.

The persona (system prompt) is sent as a text block marked ``cache_control: ephemeral``,
so every sample after the first reads it from the prompt cache. Caching only happens
above a per-model minimum length; :func:`cache_warning` says when a persona is too short.
"""

from __future__ import annotations

from typing import Any

from evals.providers._base import ProviderRequest, ProviderResponse, ToolCall
from evals.providers._prices import load_prices
from evals.providers.cost import CHARS_PER_TOKEN, cost_usd
from evals.schema import Usage

__all__ = [
    "MalformedResponse",
    "build_params",
    "cache_warning",
    "min_cache_tokens",
    "to_response",
    "usage_from",
]

#: Used when the price table does not know the model.
DEFAULT_MIN_CACHE_TOKENS = 1024


class MalformedResponse(ValueError):
    """A 2xx response whose body is not a usable message (retried, bounded)."""


def min_cache_tokens(model: str) -> int:
    """The shortest cacheable prompt for ``model``, from the price table."""
    price = load_prices().lookup(model)
    return price.min_cache_tokens if price is not None else DEFAULT_MIN_CACHE_TOKENS


def cache_warning(model: str, system: str) -> str | None:
    """A warning when ``system`` is too short for ``model`` to cache, else None.

    Uses the local ~4 chars/token estimate; the API's count is authoritative, and the
    usage of each response (``cache_creation``/``cache_read`` tokens) shows what happened.
    """
    if not system:
        return None
    estimate = round(len(system) / CHARS_PER_TOKEN)
    minimum = min_cache_tokens(model)
    if estimate >= minimum:
        return None
    return (
        f"anthropic/{model}: the system prompt is ~{estimate} tokens, below the model's "
        f"minimum cacheable length ({minimum}); prompt caching will do nothing and every "
        "sample pays full input price"
    )


def build_params(
    model: str, request: ProviderRequest, cache_system: bool = True, temperature: bool = False
) -> dict[str, Any]:
    """Keyword arguments for ``messages.create`` (also the ``params`` of a batch entry).

    The installed SDK (API version 2026-10-21) has no ``temperature`` parameter, so it is
    only sent (as ``extra_body``) when ``temperature`` is True, for older API versions or
    compatible servers; it is always part of the response-cache key.
    """
    params: dict[str, Any] = {
        "model": model,
        "max_tokens": request.max_tokens,
        "messages": [dict(m) for m in request.messages],
    }
    if temperature:
        params["extra_body"] = {"temperature": request.temperature}
    if request.system:
        block: dict[str, Any] = {"type": "text", "text": request.system}
        if cache_system:
            block["cache_control"] = {"type": "ephemeral"}
        params["system"] = [block]
    if request.tools:
        params["tools"] = [dict(t) for t in request.tools]
    if request.tool_choice is not None:
        params["tool_choice"] = dict(request.tool_choice)
    return params


def _field(obj: Any, name: str) -> Any:
    """``obj.name`` of an SDK model, or ``obj[name]`` of the decoded JSON; None if absent."""
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def usage_from(raw: Any) -> Usage:
    """Our :class:`Usage` from the response's usage (SDK object or JSON object).

    Missing cache fields count as 0.
    """
    if raw is None:
        raise MalformedResponse("response has no usage")
    if not isinstance(raw, dict) and isinstance(raw, list | str | int | float):
        raise MalformedResponse("response usage is not an object")
    return Usage(
        input_tokens=int(_field(raw, "input_tokens") or 0),
        output_tokens=int(_field(raw, "output_tokens") or 0),
        cache_creation_input_tokens=int(_field(raw, "cache_creation_input_tokens") or 0),
        cache_read_input_tokens=int(_field(raw, "cache_read_input_tokens") or 0),
    )


def to_response(
    message: Any, model: str, latency_s: float, batch: bool = False
) -> ProviderResponse:
    """Convert a message: an SDK ``Message`` or the decoded JSON body of one.

    Raises :class:`MalformedResponse` if it is not one.
    """
    if not isinstance(message, dict) and isinstance(message, list | str | int | float):
        raise MalformedResponse("response body is not a JSON object")
    if _field(message, "type") == "error":  # an error (e.g. overloaded) sent with a 200
        error = _field(message, "error")
        kind = _field(error, "type") if error is not None else None
        raise MalformedResponse(f"a 200 carried an error ({kind or 'unknown'})")
    content = _field(message, "content")
    if not isinstance(content, list):
        raise MalformedResponse("response has no content list")
    stop = _field(message, "stop_reason")
    if not content and stop not in ("max_tokens", "refusal"):
        raise MalformedResponse(f"response has an empty content list (stop_reason {stop})")
    texts: list[str] = []
    calls: list[ToolCall] = []
    for block in content:
        kind = _field(block, "type")
        if kind == "text":
            texts.append(str(_field(block, "text") or ""))
        elif kind == "tool_use":
            payload = _field(block, "input")
            if payload is not None and not isinstance(payload, dict):
                payload = dict(payload)
            calls.append(ToolCall(name=str(_field(block, "name")), input=dict(payload or {})))
    usage = usage_from(_field(message, "usage"))
    reported = str(_field(message, "model") or model)
    # Price what the API says answered; fall back to the requested id if that is unknown.
    priced = reported if load_prices().lookup(reported) is not None else model
    return ProviderResponse(
        text="".join(texts),
        usage=usage,
        stop_reason=_field(message, "stop_reason"),
        latency_s=latency_s,
        cost_usd=cost_usd(priced, usage, batch=batch),
        model=reported,
        tool_calls=tuple(calls),
        raw_id=_field(message, "id"),
    )
