"""``replay/<path>``: grade raw outputs produced anywhere.

The file is JSON Lines, one object per output::

    {"task_id": "sql-search", "output": "```python file=repo.py\\n...```", "epoch": 0,
     "model": "my-model"}

``task_id`` and ``output`` are required; ``epoch`` defaults to 0; ``model`` is
informational. Tasks with no line are not planned; epochs with no line are skipped.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from evals.errors import ProviderError
from evals.providers._base import BaseProvider, ProviderRequest, ProviderResponse
from evals.schema import Usage
from evals.tasks import Task

__all__ = ["ReplayProvider", "create"]


class ReplayProvider(BaseProvider):
    offline = True
    supports_pressure = False

    def __init__(self, path: str) -> None:
        super().__init__(f"replay/{path}")
        self.path = Path(path)
        if not self.path.is_file():
            raise ProviderError("replay file does not exist", path=self.path, field="--model")
        self.outputs: dict[tuple[str, int], tuple[str, str | None]] = {}
        with self.path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{self.path}:{lineno}"
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ProviderError(f"invalid JSON ({exc.msg})", path=where) from exc
                if not isinstance(obj, dict):
                    raise ProviderError("each line must be a JSON object", path=where)
                for key in ("task_id", "output"):
                    if not isinstance(obj.get(key), str):
                        raise ProviderError(
                            "required string field is missing", path=where, field=key
                        )
                epoch = obj.get("epoch", 0)
                if not isinstance(epoch, int) or epoch < 0:
                    raise ProviderError("must be a non-negative integer", path=where, field="epoch")
                model = obj.get("model")
                self.outputs[(obj["task_id"], epoch)] = (obj["output"], model)

    def variants(self, task: Task) -> list[str | None]:
        return [None] if any(tid == task.id for tid, _ in self.outputs) else []

    def has(self, task_id: str, epoch: int) -> bool:
        return (task_id, epoch) in self.outputs

    async def generate(self, request: ProviderRequest) -> ProviderResponse:
        started = time.perf_counter()
        task_id = request.task.id if request.task else ""
        found = self.outputs.get((task_id, request.epoch))
        if found is None:
            raise ProviderError(
                f"no output for task {task_id!r} epoch {request.epoch}", path=self.path
            )
        text, model = found
        return ProviderResponse(
            text=text,
            usage=Usage(output_tokens=max(1, len(text) // 4)),
            stop_reason="end_turn",
            latency_s=time.perf_counter() - started,
            model=model or self.name,
        )


def create(model: str, **_: object) -> ReplayProvider:
    return ReplayProvider(model)
