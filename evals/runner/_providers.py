"""The providers and grader services a run uses, built from its config."""

from __future__ import annotations

from pathlib import Path

from evals.errors import ProviderError
from evals.providers import Provider, get_provider
from evals.runner._config import RunConfig
from evals.runner._sample import is_agent
from evals.runner._setup import model_family
from graders import JudgeService, JudgeUnavailable, Services


def build_provider(config: RunConfig, run_dir: Path, name: str) -> Provider:
    """The candidate (or judge) provider ``name`` as this run uses it: caps, cache."""
    caps = None
    if config.agent_caps:
        from evals.agent.proxy import parse_caps  # only agent runs pay for its imports

        caps = parse_caps(config.agent_caps)
    provider = get_provider(
        name,
        max_connections=config.max_connections,
        batch=config.batch,
        state_dir=run_dir,
        temperature=config.temperature,
        caps=caps,
        # Remote executors only plan with these; each worker builds its own from its
        # own environment, so the driver needs no API key and never ships one.
        require_credentials=config.executor == "local",
    )
    # Agents act in a workspace: there is no single response to cache.
    if provider.offline or not config.cache or is_agent(provider):
        return provider
    from evals.providers.cache import wrap_with_cache

    cache_dir = Path(config.cache_dir) if config.cache_dir else None
    cached: Provider = wrap_with_cache(provider, enabled=True, cache_dir=cache_dir)
    return cached


def build_services(config: RunConfig, run_dir: Path) -> tuple[Services, list[str]]:
    """The graders' services (the LLM judge), and warnings about them."""
    warnings: list[str] = []
    if not config.judge:
        return Services(), warnings
    try:
        judge = JudgeService(
            config.judge,
            provider=build_provider(config, run_dir, config.judge),
            samples=config.judge_samples,
        )
    except ProviderError as exc:  # no credentials / no SDK: judge grades become "skipped"
        judge = JudgeService(
            config.judge,
            unavailable=JudgeUnavailable.from_error(exc),
            samples=config.judge_samples,
        )
    for model in config.models:
        if model_family(model) == model_family(config.judge):
            warnings.append(
                f"judge {config.judge} shares a model family with candidate "
                f"{model}: expect self-preference bias"
            )
    return Services(judge=judge), warnings
