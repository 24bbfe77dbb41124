"""The one provider interface: an async call from request to response, and its registry.

A provider is named ``<kind>/<model>`` (``anthropic/claude-sonnet-4-5``,
``oracle/gold``, ``replay/path/to/outputs.jsonl``). Built-ins register through
:func:`register_provider`; other packages add kinds through the
``persona_evals.providers`` entry-point group, whose objects are factories with the
same signature.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from evals.errors import ProviderError
from evals.schema import Usage

if TYPE_CHECKING:
    from evals.tasks import Task

__all__ = [
    "ENTRY_POINT_GROUP",
    "Provider",
    "ProviderFactory",
    "ProviderRequest",
    "ProviderResponse",
    "ToolCall",
    "get_provider",
    "provider_kinds",
    "register_provider",
]

ENTRY_POINT_GROUP = "persona_evals.providers"


@dataclass(frozen=True)
class ProviderRequest:
    """What the runner (or a judge) asks a model.

    ``messages`` are ``{"role": "user"|"assistant", "content": str}`` dicts.
    ``tools``/``tool_choice`` use Anthropic's JSON shape; providers translate.
    ``task``/``variant``/``sample_id`` are context for offline providers and batching,
    and are not part of the cache key.
    """

    model: str
    system: str
    messages: tuple[dict[str, Any], ...]
    max_tokens: int = 8192
    temperature: float = 0.0
    epoch: int = 0
    tools: tuple[dict[str, Any], ...] = ()
    tool_choice: dict[str, Any] | None = None
    task: Task | None = field(default=None, compare=False)
    variant: str | None = None
    sample_id: str | None = None
    #: "candidate" or "judge": used for cost accounting.
    purpose: str = "candidate"


@dataclass(frozen=True)
class ToolCall:
    name: str
    input: dict[str, Any]


@dataclass(frozen=True)
class ProviderResponse:
    text: str
    usage: Usage = field(default_factory=Usage)
    stop_reason: str | None = None
    latency_s: float = 0.0
    cost_usd: float = 0.0
    model: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    cached: bool = False
    raw_id: str | None = None


@runtime_checkable
class Provider(Protocol):
    """A candidate or judge model."""

    #: Full name, ``kind/model``.
    name: str

    def variants(self, task: Task) -> list[str | None]:
        """Sample variants per task: ``[None]`` for real models, variant names for oracles."""
        ...

    async def generate(self, request: ProviderRequest) -> ProviderResponse:
        """Answer one request. Raise ProviderError subclasses for infrastructure failures."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


#: ``factory(model, **options) -> Provider``; ``model`` is the part after ``kind/``.
ProviderFactory = Callable[..., Provider]

_REGISTRY: dict[str, ProviderFactory | str] = {
    # Built-ins are referenced by module path so that importing the registry stays cheap
    # (the anthropic SDK alone costs ~2 s to import).
    "oracle": "evals.providers.oracle:create",
    "replay": "evals.providers.replay:create",
    "anthropic": "evals.providers.anthropic:create",
    "openai": "evals.providers.openai_compat:create",
}


def register_provider(kind: str) -> Callable[[ProviderFactory], ProviderFactory]:
    """Decorator: register ``factory`` for provider names ``kind/...``."""

    def deco(factory: ProviderFactory) -> ProviderFactory:
        _REGISTRY[kind] = factory
        return factory

    return deco


def _resolve(kind: str) -> ProviderFactory | None:
    target = _REGISTRY.get(kind)
    if target is None:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            if ep.name == kind:
                target = ep.load()
                _REGISTRY[kind] = target
                break
    if isinstance(target, str):
        module, _, attr = target.partition(":")
        target = getattr(importlib.import_module(module), attr)
        _REGISTRY[kind] = target
    return target


def provider_kinds() -> list[str]:
    kinds = set(_REGISTRY) | {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return sorted(kinds)


def get_provider(name: str, **options: Any) -> Provider:
    """Build the provider for ``kind/model``. Raises ProviderError with the fix."""
    kind, sep, model = name.partition("/")
    if not sep or not model:
        raise ProviderError(
            f"model {name!r} must look like provider/model, e.g. oracle/gold or "
            "anthropic/claude-sonnet-4-5",
            field="--model",
        )
    factory = _resolve(kind)
    if factory is None:
        known = ", ".join(provider_kinds())
        raise ProviderError(
            f"unknown provider {kind!r} in {name!r}; known: {known}", field="--model"
        )
    return factory(model, **options)
