"""Executors: where a plan's samples run (this machine's asyncio loop, or a Ray cluster).

``evals run --executor local`` (the default) keeps today's behaviour; ``--executor ray
[--address ADDR]`` sends each sample (generation + grading) to a Ray cluster as one task
and appends the results on the driver, the run log's single writer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evals.errors import ConfigError
from evals.executors._base import Admit, DriverHooks, ExecutionContext, Executor, Record

if TYPE_CHECKING:
    from evals.runner import RunConfig

__all__ = [
    "EXECUTORS",
    "Admit",
    "DriverHooks",
    "ExecutionContext",
    "Executor",
    "Record",
    "get_executor",
]

EXECUTORS = ("local", "ray")


def get_executor(name: str, config: RunConfig | None = None) -> Executor:
    """The executor called ``name`` (``local`` or ``ray``); imports Ray only for ``ray``.

    Given the run's ``config``, a remote executor may start its workers at once (Ray
    joins the cluster and warms one runner per node while the driver plans).
    """
    if name == "local":
        from evals.executors.local import LocalExecutor

        return LocalExecutor()
    if name == "ray":
        from evals.executors.ray_executor import RayExecutor

        return RayExecutor(config)
    raise ConfigError(
        f"unknown executor {name!r}; choose one of {', '.join(EXECUTORS)}", field="--executor"
    )
