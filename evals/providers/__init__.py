"""Candidate and judge models behind one async interface."""

from evals.providers._base import (
    ENTRY_POINT_GROUP,
    PROVIDERS,
    BaseProvider,
    Provider,
    ProviderFactory,
    ProviderRequest,
    ProviderResponse,
    ToolCall,
    get_provider,
    provider_kinds,
    register_provider,
)

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
