"""The one provider interface: an async call from request to response, and its registry.

A provider is named ``<kind>/<model>`` (``anthropic/claude-sonnet-4-5``,
``oracle/gold``, ``replay/path/to/outputs.jsonl``). Built-ins and plugins
register through the same door (:data:`PROVIDERS`, an :class:`~evals.registry.Registry`):
other packages publish factories under the ``persona_evals.providers`` entry-point group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from evals.errors import ProviderError
from evals.registry import PROVIDERS_GROUP, Registry
from evals.schema import Usage

if TYPE_CHECKING:
    from evals.tasks import Task

__all__ = [
    "ENTRY_POINT_GROUP",
    "PROVIDERS",
    "BaseProvider",
    "Provider",
    "ProviderFactory",
    "ProviderRequest",
    "ProviderResponse",
    "ToolCall",
    "get_provider",
    "provider_kinds",
    "register_provider",
]

ENTRY_POINT_GROUP = PROVIDERS_GROUP


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
    """A candidate or judge model. Subclass :class:`BaseProvider` for the defaults.

    Everything the runner, the response cache and the cost estimate use is declared
    here; nothing else is looked up on a provider.
    """

    #: Full name, ``kind/model``.
    name: str
    #: True for providers that never reach a model (oracle, replay): no cost, not cached.
    offline: bool
    #: False when a pressure prompt cannot change the answer (oracles, replay).
    supports_pressure: bool
    #: True when requests go through a batch API (priced at batch rates).
    batch: bool
    #: Notes for the run summary (fallbacks taken, cache writes lost); appended to.
    warnings: list[str]

    @property
    def cache_identity(self) -> str:
        """What makes two providers' answers interchangeable (name, plus endpoint)."""
        ...

    def variants(self, task: Task) -> list[str | None]:
        """Sample variants per task: ``[None]`` for real models, variant names for oracles."""
        ...

    def has(self, task_id: str, epoch: int) -> bool:
        """Whether it can answer ``task_id`` at ``epoch`` (replay files may hold gaps)."""
        ...

    async def count_tokens(self, request: ProviderRequest) -> int | None:
        """Input tokens of ``request`` counted by the endpoint; None if it cannot count."""
        ...

    async def generate(self, request: ProviderRequest) -> ProviderResponse:
        """Answer one request. Raise ProviderError subclasses for infrastructure failures."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class BaseProvider:
    """Defaults for every :class:`Provider` member except :meth:`generate`.

    A subclass sets ``name`` (usually in ``__init__``) and implements ``generate``.
    """

    name: str = ""
    offline: bool = False
    supports_pressure: bool = True
    batch: bool = False

    def __init__(self, name: str = "") -> None:
        if name:
            self.name = name
        self.warnings: list[str] = []

    @property
    def cache_identity(self) -> str:
        return self.name

    def variants(self, task: Task) -> list[str | None]:
        return [None]

    def has(self, task_id: str, epoch: int) -> bool:
        return True

    async def count_tokens(self, request: ProviderRequest) -> int | None:
        return None

    async def generate(self, request: ProviderRequest) -> ProviderResponse:
        raise NotImplementedError(f"{type(self).__name__} must implement generate()")

    async def aclose(self) -> None:
        return None


#: ``factory(model, **options) -> Provider``; ``model`` is the part after ``kind/``.
ProviderFactory = Callable[..., Provider]

#: Provider kinds by name; the ``persona_evals.providers`` entry points fill it too.
PROVIDERS: Registry[ProviderFactory] = Registry(
    "provider", PROVIDERS_GROUP, ProviderError, "--model"
)
# Built-ins go through the same door as plugins, by module path so that listing them
# stays cheap (the anthropic SDK alone costs ~2 s to import).
for _kind, _target in {
    "oracle": "evals.providers.oracle:create",
    "replay": "evals.providers.replay:create",
    "anthropic": "evals.providers.anthropic:create",
    "openai": "evals.providers.openai_compat:create",
    # Agent mode: the candidate acts in a jailed workspace (evals/agent).
    "claude-code": "evals.agent.claude_code:create",
    "claude-code-delegate": "evals.agent.claude_code:create_delegate",
    "agent": "evals.agent.loop:create",
}.items():
    PROVIDERS.register(_kind, _target)


def register_provider(kind: str) -> Callable[[ProviderFactory], ProviderFactory]:
    """Decorator: register ``factory`` for provider names ``kind/...``."""

    def deco(factory: ProviderFactory) -> ProviderFactory:
        PROVIDERS.register(kind, factory, origin=factory.__module__)
        return factory

    return deco


def provider_kinds() -> list[str]:
    """Every provider kind: built-in and from the ``persona_evals.providers`` group."""
    return PROVIDERS.names()


def get_provider(name: str, **options: Any) -> Provider:
    """Build the provider for ``kind/model``. Raises ProviderError with the fix."""
    kind, sep, model = name.partition("/")
    if not sep or not model:
        raise ProviderError(
            f"model {name!r} must look like provider/model, e.g. oracle/gold or "
            "anthropic/claude-sonnet-4-5",
            field="--model",
        )
    provider = PROVIDERS.get(kind)(model, **options)
    if not isinstance(provider, Provider):
        raise ProviderError(
            f"provider kind {kind!r} ({PROVIDERS.origin(kind)}) built a "
            f"{type(provider).__name__} that lacks Provider members; subclass "
            "evals.providers.BaseProvider",
            field="--model",
        )
    return provider
