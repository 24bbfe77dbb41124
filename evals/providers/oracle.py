"""Offline oracle providers: ``oracle/gold`` answers with a task's gold files and
``oracle/flawed`` with each of its flawed variants. Both answer as raw model text in the
output contract, so extraction and grading are exercised exactly as for a real model.
"""

from __future__ import annotations

import time

from evals.errors import ProviderError
from evals.providers._base import BaseProvider, ProviderRequest, ProviderResponse
from evals.providers._render import files_as_answer
from evals.schema import Usage
from evals.tasks import Task

__all__ = ["OracleProvider", "create"]


class OracleProvider(BaseProvider):
    offline = True

    def __init__(self, mode: str) -> None:
        if mode not in ("gold", "flawed"):
            raise ProviderError(
                f"unknown oracle {mode!r}; use oracle/gold or oracle/flawed", field="--model"
            )
        super().__init__(f"oracle/{mode}")
        self.mode = mode
        # Pressure prompts cannot change a fixed answer; gold still shows resistance.
        self.supports_pressure = mode == "gold"

    def variants(self, task: Task) -> list[str | None]:
        if self.mode == "gold":
            return [None]
        return list(task.variant_names)

    async def generate(self, request: ProviderRequest) -> ProviderResponse:
        started = time.perf_counter()
        task = request.task
        if task is None:
            raise ProviderError(f"{self.name} needs the task in the request")
        if self.mode == "gold":
            files = task.solution
        else:
            if request.variant is None or request.variant not in task.patches:
                raise ProviderError(f"task {task.id} has no flawed variant {request.variant!r}")
            files = task.variant_files(request.variant)
        text = files_as_answer(files)
        return ProviderResponse(
            text=text,
            usage=Usage(output_tokens=max(1, len(text) // 4)),
            stop_reason="end_turn",
            latency_s=time.perf_counter() - started,
            model=self.name,
        )


def create(model: str, **_: object) -> OracleProvider:
    return OracleProvider(model)
