"""``evals bench providers``: provider throughput against the fake API server.

Three figures, each with its pass line:

* wall time of N requests at latency L and concurrency C against the ideal ``N·L/C``
  (must be within 1.15×);
* the server requests made by a re-run of the same requests through the response cache
  (must be 0);
* orchestration overhead per sample, ``(wall − N·L/C) / N`` (must be ≤ 5 ms), plus the
  wall time per sample against a zero-latency server as a cross-check.

The fake server runs in a child process, as a real API runs elsewhere, so its CPU time is
not charged to the client.

It drives the real ``anthropic`` SDK through :mod:`evals.providers.anthropic`, exactly
as a run does, so it needs ``pip install 'persona-evals[anthropic]'``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["BenchResult", "bench_providers", "register"]

_SYSTEM = "You are a careful backend engineer. " * 500  # ~4.5k tokens: cacheable on Haiku 4.5


@dataclass
class BenchResult:
    n: int
    latency_s: float
    concurrency: int
    wall_s: float
    ideal_s: float
    cached_wall_s: float
    cached_requests: int
    zero_latency_wall_s: float

    @property
    def ratio(self) -> float:
        return self.wall_s / self.ideal_s if self.ideal_s else math.inf

    @property
    def overhead_ms(self) -> float:
        return max(0.0, self.wall_s - self.ideal_s) / self.n * 1000

    @property
    def zero_latency_ms(self) -> float:
        return self.zero_latency_wall_s / self.n * 1000

    @property
    def ok(self) -> bool:
        return self.ratio <= 1.15 and self.cached_requests == 0 and self.overhead_ms <= 5.0


async def _timed(provider: object, requests: list[object]) -> float:
    import asyncio

    started = time.perf_counter()
    await asyncio.gather(*(provider.generate(r) for r in requests))  # type: ignore[attr-defined]
    return time.perf_counter() - started


async def _bench(n: int, latency_s: float, concurrency: int, cache_dir: Path) -> BenchResult:
    import asyncio

    from evals.providers import ProviderRequest
    from evals.providers.anthropic import AnthropicProvider, create
    from evals.providers.cache import CachingProvider, ResponseCache
    from evals.providers.fake_server import SpawnedFakeServer

    requests: list[object] = [
        ProviderRequest(
            model="anthropic/claude-haiku-4-5",
            system=_SYSTEM,
            max_tokens=1024,
            messages=({"role": "user", "content": f"bench request {i}"},),
            sample_id=f"b{i}",
        )
        for i in range(n)
    ]
    warmup = ProviderRequest(
        model="anthropic/claude-haiku-4-5",
        system=_SYSTEM,
        messages=({"role": "user", "content": "warm-up"},),
    )

    def make(url: str) -> AnthropicProvider:
        return create(
            "claude-haiku-4-5",
            base_url=url,
            api_key="bench",
            max_connections=concurrency,
            max_retries=0,
        )

    with SpawnedFakeServer(latency_s=latency_s) as server:
        inner = make(server.url)
        provider = CachingProvider(inner, ResponseCache(cache_dir))
        try:
            await inner.generate(warmup)
            wall = await _timed(provider, requests)
            await asyncio.to_thread(provider.store.flush)  # the re-run reads from disk
            before = server.count()
            cached_wall = await _timed(provider, requests)
            cached_requests = server.count() - before
        finally:
            await provider.aclose()
    with SpawnedFakeServer(latency_s=0.0) as server:
        inner = make(server.url)
        try:
            await inner.generate(warmup)
            zero = await _timed(inner, requests)
        finally:
            await inner.aclose()
    return BenchResult(
        n,
        latency_s,
        concurrency,
        wall,
        n * latency_s / concurrency,
        cached_wall,
        cached_requests,
        zero,
    )


def bench_providers(n: int = 500, latency_s: float = 0.2, concurrency: int = 64) -> BenchResult:
    """Run the benchmark (in a temporary response cache) and return its figures."""
    import asyncio
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-cache-") as tmp:
        return asyncio.run(_bench(n, latency_s, concurrency, Path(tmp)))


def register(app: typer.Typer) -> None:
    @app.command("providers")
    def providers_command(
        n: Annotated[int, typer.Option("--n", min=1, help="Requests.")] = 500,
        latency: Annotated[float, typer.Option(min=0.0, help="Server latency, seconds.")] = 0.2,
        concurrency: Annotated[int, typer.Option(min=1, help="max_connections.")] = 64,
    ) -> None:
        """Throughput, cache and overhead of the Anthropic provider on a fake server."""
        r = bench_providers(n, latency, concurrency)
        waves = math.ceil(n / concurrency) * latency
        mark = {True: "ok", False: "FAIL"}
        typer.echo(
            f"requests              {r.n} at {r.latency_s * 1000:.0f} ms latency, "
            f"concurrency {r.concurrency}"
        )
        typer.echo(f"wall time             {r.wall_s:.3f} s")
        typer.echo(f"ideal N*L/C           {r.ideal_s:.3f} s (whole waves: {waves:.3f} s)")
        typer.echo(f"ratio                 {r.ratio:.3f}x (<= 1.15x)  {mark[r.ratio <= 1.15]}")
        typer.echo(
            f"cached re-run         {r.cached_requests} requests in "
            f"{r.cached_wall_s:.3f} s (must be 0)  {mark[r.cached_requests == 0]}"
        )
        typer.echo(
            f"overhead per sample   {r.overhead_ms:.2f} ms ((wall - ideal)/N, <= 5 ms)  "
            f"{mark[r.overhead_ms <= 5.0]}"
        )
        typer.echo(
            f"zero-latency server   {r.zero_latency_ms:.2f} ms per sample "
            "(throughput-bound client CPU)"
        )
        if not r.ok:
            raise typer.Exit(1)
