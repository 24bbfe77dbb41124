"""Dollars from token usage, and the ``--dry-run`` estimate.

Prices come from the versioned table in ``prices.yaml`` (see :mod:`._prices`), which the
user can override with ``PERSONA_EVALS_PRICES``. A model missing from the table costs 0
and logs one warning per model, so a bill is never silently invented.

Estimates: input tokens come from the provider's token-counting endpoint when it has one
(``count_tokens``; Anthropic does), else from a local ~4 characters/token estimate. Output
tokens are unknowable before the call; the estimate assumes a quarter of ``max_tokens``
(:data:`OUTPUT_FRACTION`) and also reports the ceiling at the full ``max_tokens``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from evals.providers._base import Provider, ProviderRequest
from evals.providers._prices import ModelPrice, PriceTable, load_prices
from evals.providers.cache import CachingProvider
from evals.schema import Usage

__all__ = [
    "CHARS_PER_TOKEN",
    "OUTPUT_FRACTION",
    "RESERVE_CHARS_PER_TOKEN",
    "Estimate",
    "cost_usd",
    "estimate_requests",
    "estimate_tokens",
    "price_for",
    "reserve_usd",
]

log = logging.getLogger(__name__)

CHARS_PER_TOKEN = 4.0
#: Share of ``max_tokens`` the estimate assumes a reply uses.
OUTPUT_FRACTION = 0.25
#: Kinds that never cost money (offline providers).
_FREE_KINDS = ("oracle/", "replay/")
_warned: set[str] = set()


def price_for(model: str, prices: PriceTable | None = None) -> ModelPrice | None:
    """The price entry for ``model`` (``kind/model`` or bare), or None if unknown."""
    return (prices or load_prices()).lookup(model)


def cost_usd(
    model: str, usage: Usage, batch: bool = False, prices: PriceTable | None = None
) -> float:
    """Dollars for one response.

    Args:
        model: ``kind/model`` or the bare model id the API reported.
        usage: token counts, including prompt-cache writes and reads.
        batch: priced with the table's ``batch_discount`` (Message Batches).
        prices: a table to use instead of the shipped/overridden one.

    Returns:
        The cost in USD; 0.0 (with a one-time warning) for a model not in the table.
    """
    if model.startswith(_FREE_KINDS):
        return 0.0
    table = prices or load_prices()
    price = table.lookup(model)
    if price is None:
        if model not in _warned:
            _warned.add(model)
            log.warning(
                "no price for model %r in %s: its cost is counted as $0; add it to a file "
                "named by PERSONA_EVALS_PRICES",
                model,
                ", ".join(table.sources),
            )
        return 0.0
    dollars = (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_creation_input_tokens * price.cache_write
        + usage.cache_read_input_tokens * price.cache_read
    ) / 1_000_000
    return dollars * (table.batch_discount if batch else 1.0)


def estimate_tokens(request: ProviderRequest) -> int:
    """Local input-token estimate: characters of system, messages and tools / 4."""
    chars = len(request.system)
    for message in request.messages:
        content = message.get("content", "")
        chars += len(content) if isinstance(content, str) else len(json.dumps(content))
    if request.tools:
        chars += len(json.dumps(list(request.tools)))
    return max(1, round(chars / CHARS_PER_TOKEN))


@dataclass
class Estimate:
    """What a set of requests would cost. ``method`` is ``count_tokens`` or ``local``."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    max_output_tokens: int = 0
    usd: float = 0.0
    usd_max: float = 0.0
    method: str = "local"
    #: Requests the response cache already answers (estimated at $0).
    cached: int = 0
    warnings: list[str] = field(default_factory=list)


async def _count(provider: Provider, request: ProviderRequest) -> int | None:
    try:
        counted = await provider.count_tokens(request)
    except Exception as exc:  # offline, no key, endpoint missing: fall back to local
        log.info("token counting failed (%s); using the local estimate", exc)
        return None
    return None if counted is None else int(counted)


async def estimate_requests(
    provider: Provider, requests: Sequence[ProviderRequest], concurrency: int = 8
) -> Estimate:
    """Estimate tokens and dollars for ``requests`` without generating anything.

    Args:
        provider: the provider (a caching wrapper is looked through; cache hits cost $0).
        requests: the requests a run would send.
        concurrency: parallel token-count calls.

    Returns:
        The :class:`Estimate`; ``method`` is ``count_tokens`` only if every count came from
        the endpoint.
    """
    est = Estimate(requests=len(requests))
    cache = provider if isinstance(provider, CachingProvider) else None
    inner = cache.inner if cache is not None else provider
    batch = inner.batch
    name = inner.name
    slots = asyncio.Semaphore(concurrency)
    counted_all = True

    async def one(request: ProviderRequest) -> tuple[int, int, bool]:
        nonlocal counted_all
        if cache is not None and cache.has_cached(request):
            return 0, 0, True
        async with slots:
            n = await _count(inner, request)
        if n is None:
            counted_all = False
            n = estimate_tokens(request)
        return n, request.max_tokens, False

    results = await asyncio.gather(*(one(r) for r in requests))
    prices = None if inner.offline else load_prices()
    for n_in, max_out, cached in results:
        if cached:
            est.cached += 1
            continue
        out = round(max_out * OUTPUT_FRACTION)
        est.input_tokens += n_in
        est.output_tokens += out
        est.max_output_tokens += max_out
        if prices is not None:
            est.usd += cost_usd(name, Usage(input_tokens=n_in, output_tokens=out), batch, prices)
            est.usd_max += cost_usd(
                name, Usage(input_tokens=n_in, output_tokens=max_out), batch, prices
            )
    est.method = "count_tokens" if counted_all and requests else "local"
    if prices is not None and requests and prices.lookup(name) is None:
        est.warnings.append(f"no price for {name}: dollars shown as $0 (PERSONA_EVALS_PRICES)")
    est.warnings.extend(inner.warnings)
    return est


#: The reservation's input estimate: characters per token, lower than
#: :data:`CHARS_PER_TOKEN` so that code-heavy prompts are not under-reserved.
RESERVE_CHARS_PER_TOKEN = 3.0


def reserve_usd(model: str, request: ProviderRequest, prices: PriceTable | None = None) -> float:
    """An upper bound of what ``request`` can cost, reserved before it is sent.

    Input: the prompt at :data:`RESERVE_CHARS_PER_TOKEN`, priced at the dearer of the
    input and cache-write rates; output: the full ``max_tokens``. A model missing from the
    price table (or an offline one) reserves 0, like :func:`cost_usd`.
    """
    if model.startswith(_FREE_KINDS):
        return 0.0
    price = (prices or load_prices()).lookup(model)
    if price is None:
        return 0.0
    tokens = estimate_tokens(request) * CHARS_PER_TOKEN / RESERVE_CHARS_PER_TOKEN
    return (
        tokens * max(price.input, price.cache_write) + request.max_tokens * price.output
    ) / 1_000_000
