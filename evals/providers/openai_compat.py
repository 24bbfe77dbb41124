"""``openai/<model>``: chat completions against any OpenAI-compatible ``base_url``.

Works with OpenAI itself, vLLM, ollama, llama.cpp's server and other vendors' compatible
endpoints, through the official ``openai`` SDK (``pip install 'persona-evals[openai]'``),
imported lazily.

Endpoint and key:

* ``base_url`` option, else ``$OPENAI_BASE_URL``, else ``https://api.openai.com/v1``.
* The key comes from the environment variable named by ``api_key_env`` (default
  ``OPENAI_API_KEY``) or the ``api_key`` option. No key is needed when the endpoint is a
  loopback address (``localhost``, ``127.0.0.1``, ``[::1]``: a local vLLM/ollama/llama.cpp)
  or when ``api_key_env`` is set to ``""``; any other endpoint without a key raises
  :class:`MissingCredentialsError` naming the variable.

Anthropic-shaped ``tools``/``tool_choice`` are translated to OpenAI functions. The
prompt's cached tokens (``prompt_tokens_details.cached_tokens``, automatic on OpenAI) are
reported as ``cache_read_input_tokens``; ``input_tokens`` excludes them.
"""

from __future__ import annotations

import json
import os
import time
from types import ModuleType
from typing import Any

from evals.errors import MissingCredentialsError, ProviderError
from evals.providers._anthropic_convert import MalformedResponse
from evals.providers._base import BaseProvider, ProviderRequest, ProviderResponse, ToolCall
from evals.providers._ratelimit import AdaptiveLimiter
from evals.providers._sdk import (
    build_http_client,
    import_sdk,
    is_loopback,
    map_error,
    with_malformed_retries,
)
from evals.providers.cost import cost_usd
from evals.schema import Usage

__all__ = ["DEFAULT_BASE_URL", "KEY_ENV", "OpenAICompatProvider", "create"]

KEY_ENV = "OPENAI_API_KEY"
DEFAULT_BASE_URL = "https://api.openai.com/v1"


def _tools(tools: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    return [
        {
            "type": "function",
            "function": {
                "name": t["name"],
                "description": t.get("description", ""),
                "parameters": t.get("input_schema", {"type": "object", "properties": {}}),
            },
        }
        for t in tools
    ]


def _tool_choice(choice: dict[str, Any]) -> Any:
    kind = choice.get("type")
    if kind == "tool":
        return {"type": "function", "function": {"name": choice["name"]}}
    return {"any": "required", "none": "none"}.get(str(kind), "auto")


def build_params(model: str, request: ProviderRequest) -> dict[str, Any]:
    """Keyword arguments for ``chat.completions.create``."""
    messages: list[dict[str, Any]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    messages.extend(dict(m) for m in request.messages)
    params: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
    }
    if request.tools:
        params["tools"] = _tools(request.tools)
    if request.tool_choice is not None:
        params["tool_choice"] = _tool_choice(request.tool_choice)
    return params


def to_response(completion: Any, model: str, latency_s: float) -> ProviderResponse:
    """Convert a ``ChatCompletion``; raises :class:`MalformedResponse` if it is not one."""
    choices = getattr(completion, "choices", None)
    if not choices:
        raise MalformedResponse("completion has no choices")
    message = choices[0].message
    finish = choices[0].finish_reason
    if (
        not message.content
        and not message.tool_calls
        and finish not in ("length", "content_filter")
    ):
        raise MalformedResponse(f"completion has no content (finish_reason {finish})")
    calls = []
    for call in getattr(message, "tool_calls", None) or ():
        try:
            args = json.loads(call.function.arguments or "{}")
        except ValueError as exc:
            raise MalformedResponse(f"tool call {call.function.name} has invalid JSON") from exc
        calls.append(
            ToolCall(
                name=call.function.name, input=args if isinstance(args, dict) else {"value": args}
            )
        )
    raw = getattr(completion, "usage", None)
    prompt = int(getattr(raw, "prompt_tokens", 0) or 0)
    details = getattr(raw, "prompt_tokens_details", None)
    cached = int(getattr(details, "cached_tokens", 0) or 0)
    usage = Usage(
        input_tokens=max(0, prompt - cached),
        output_tokens=int(getattr(raw, "completion_tokens", 0) or 0),
        cache_read_input_tokens=cached,
    )
    reported = str(getattr(completion, "model", None) or model)
    return ProviderResponse(
        text=message.content or "",
        usage=usage,
        stop_reason=choices[0].finish_reason,
        latency_s=latency_s,
        cost_usd=cost_usd(model, usage),
        model=reported,
        tool_calls=tuple(calls),
        raw_id=getattr(completion, "id", None),
    )


class OpenAICompatProvider(BaseProvider):
    """An OpenAI-compatible chat model; see the module docstring for endpoint and key."""

    def __init__(
        self,
        sdk: ModuleType,
        model: str,
        api_key: str,
        base_url: str,
        *,
        key_env: str = KEY_ENV,
        max_connections: int = 8,
        timeout: float = 600.0,
        max_retries: int = 4,
        http_client: Any = None,
        malformed_delay_s: float = 0.2,
    ) -> None:
        super().__init__(f"openai/{model}")
        self.sdk = sdk
        self.model = model
        self.base_url = base_url
        self.key_env = key_env or KEY_ENV
        self.max_retries = max_retries
        self.malformed_delay_s = malformed_delay_s
        self.limiter = AdaptiveLimiter(max_connections)
        self.client = sdk.AsyncOpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=build_http_client(self.limiter, max_connections, timeout, http_client),
        )

    @property
    def cache_identity(self) -> str:
        return self.name if self.base_url == DEFAULT_BASE_URL else f"{self.name}@{self.base_url}"

    async def generate(self, request: ProviderRequest) -> ProviderResponse:
        """Answer one request with a chat completion."""
        params = build_params(self.model, request)
        started = time.perf_counter()

        async def attempt() -> ProviderResponse:
            raw = await self.client.chat.completions.with_raw_response.create(**params)
            return to_response(raw.parse(), self.model, time.perf_counter() - started)

        async with self.limiter:
            try:
                return await with_malformed_retries(
                    attempt,
                    lambda e: isinstance(e, ValueError),
                    self.max_retries,
                    self.malformed_delay_s,
                )
            except ProviderError:
                raise
            except Exception as exc:
                raise map_error(self.sdk, exc, self.name, self.key_env) from exc

    async def aclose(self) -> None:
        await self.client.close()


def create(model: str, **options: Any) -> OpenAICompatProvider:
    """Build ``openai/<model>``; unknown options are ignored.

    Raises:
        ProviderError: the SDK is not installed (names the ``pip install``).
        MissingCredentialsError: a remote endpoint and no key in ``api_key_env``.
    """
    sdk = import_sdk("openai", "openai")
    base_url = options.get("base_url") or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
    key_env = options.get("api_key_env", KEY_ENV)
    api_key = options.get("api_key") or (os.environ.get(key_env) if key_env else None)
    if not api_key:
        keyless = key_env == "" or is_loopback(base_url)
        if not keyless and options.get("require_credentials", True):
            raise MissingCredentialsError(
                f"set {key_env} to use openai/{model} at {base_url} (a local server on "
                "127.0.0.1/localhost needs no key)",
                field=key_env,
            )
        api_key = "no-key"  # local servers ignore it; the SDK insists on a string
    known = {"max_connections", "timeout", "max_retries", "http_client", "malformed_delay_s"}
    kwargs = {k: v for k, v in options.items() if k in known and v is not None}
    provider = OpenAICompatProvider(
        sdk, model, api_key, base_url, key_env=key_env or KEY_ENV, **kwargs
    )
    if options.get("batch"):
        provider.warnings.append(
            f"{provider.name}: --batch applies to anthropic/ models only; sending directly"
        )
    return provider
