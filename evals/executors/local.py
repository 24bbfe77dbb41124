"""The default executor: every sample on this machine, concurrently on one asyncio loop."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from evals.errors import AuthenticationError
from evals.executors._base import DriverHooks, ExecutionContext
from evals.runner import PlanItem
from evals.runner._config import default_grade_workers
from evals.runner._sample import run_sample

__all__ = ["LocalExecutor"]


class LocalExecutor:
    """``max_concurrency`` samples generating; ``grade_workers`` of them graded at once."""

    name = "local"

    async def execute(
        self,
        items: Sequence[PlanItem],
        ctx: ExecutionContext,
        hooks: DriverHooks,
    ) -> list[str]:
        """Run every item on this event loop (see :class:`~evals.executors.Executor`)."""
        config = ctx.config
        sandbox = ctx.sandbox
        if sandbox is None:
            raise ValueError("the local executor grades in the driver's sandbox; got None")
        grade_slots = asyncio.Semaphore(config.grade_workers or default_grade_workers())
        # A batch collects every request before submitting; don't starve it.
        in_flight = max(len(items), 1) if config.batch else config.max_concurrency
        gen_slots = asyncio.Semaphore(in_flight)
        auth: list[AuthenticationError] = []

        async def one(item: PlanItem) -> None:
            # The generation slot is held from admission until the model has answered
            # (admission reserves budget for in-flight requests only); grading waits for
            # a grade slot without holding it, so slow grading never idles the API.
            await gen_slots.acquire()
            released = False

            def generated() -> None:
                nonlocal released
                if not released:
                    released = True
                    gen_slots.release()

            try:
                if auth or hooks.stopping() or not await hooks.admit(item):
                    return
                sample = None
                try:
                    sample = await run_sample(
                        item,
                        ctx.grading,
                        sandbox,
                        grade_slots,
                        max_tokens=config.max_tokens,
                        temperature=config.temperature,
                        generated=generated,
                    )
                except AuthenticationError as exc:  # stop scheduling at once
                    auth.append(exc)
                finally:
                    await hooks.record(item, sample)
            finally:
                generated()

        await asyncio.gather(*(one(item) for item in items))
        if auth:
            raise auth[0]
        return []
