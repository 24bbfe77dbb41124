"""``replay/<path>``: grade raw outputs produced anywhere.

The file is JSON Lines, one object per output::

    {"task_id": "sql-search", "output": "```python file=repo.py\\n...```", "epoch": 0,
     "model": "my-model"}

``task_id`` and ``output`` are required; ``epoch`` defaults to 0; ``model`` is
informational. Every (task, epoch) the file holds is planned unless ``--epochs N`` limits
it to epochs below N; tasks with no line are not planned. A later line for the same task
and epoch replaces the earlier one. Whatever is merged or left out (unknown task id, task
not selected, epoch beyond ``--epochs``) is reported, never dropped silently.
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
        #: One line per line merged away (a later line for the same task and epoch).
        self.merged: list[str] = []
        first: dict[tuple[str, int], int] = {}
        try:
            with self.path.open("rb") as fh:
                for lineno, raw in enumerate(fh, 1):
                    key, output = self._line(raw, f"{self.path}:{lineno}")
                    if key is None:
                        continue
                    if key in first:
                        self.merged.append(
                            f"line {lineno} repeats task {key[0]} epoch {key[1]} of line "
                            f"{first[key]}; the later line is used"
                        )
                    first.setdefault(key, lineno)
                    self.outputs[key] = output
        except OSError as exc:
            raise ProviderError(f"cannot read ({exc.strerror})", path=self.path) from exc

    @staticmethod
    def _line(raw: bytes, where: str) -> tuple[tuple[str, int] | None, tuple[str, str | None]]:
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProviderError(
                f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                "re-encode the file as UTF-8",
                path=where,
            ) from None
        if not line.strip():
            return None, ("", None)
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ProviderError(f"invalid JSON ({exc.msg})", path=where) from exc
        if not isinstance(obj, dict):
            raise ProviderError("each line must be a JSON object", path=where)
        for key in ("task_id", "output"):
            if not isinstance(obj.get(key), str):
                raise ProviderError("required string field is missing", path=where, field=key)
        epoch = obj.get("epoch", 0)
        if isinstance(epoch, bool) or not isinstance(epoch, int) or not 0 <= epoch < 10_000:
            raise ProviderError("must be an integer from 0 to 9999", path=where, field="epoch")
        model = obj.get("model")
        return (obj["task_id"], epoch), (obj["output"], model if isinstance(model, str) else None)

    def epochs_of(self, task_id: str) -> list[int]:
        """The epochs the file holds for ``task_id``, ascending."""
        return sorted(epoch for tid, epoch in self.outputs if tid == task_id)

    def unplanned(
        self, planned: set[tuple[str, int]], suite_ids: set[str], epochs: int | None
    ) -> list[str]:
        """Why the lines left out of the plan were left out (one summary line each)."""
        reasons: dict[str, list[str]] = {}
        for task_id, epoch in sorted(self.outputs):
            if (task_id, epoch) in planned:
                continue
            if task_id not in suite_ids:
                why = "unknown task id"
            elif epochs is not None and epoch >= epochs:
                why = f"epoch beyond --epochs {epochs}"
            else:
                why = "task not selected (--task/--limit)"
            reasons.setdefault(why, []).append(f"{task_id}@{epoch}")
        notes = []
        for why, keys in reasons.items():
            shown = ", ".join(keys[:5]) + (f", … ({len(keys) - 5} more)" if len(keys) > 5 else "")
            notes.append(f"{self.name}: {len(keys)} output(s) not graded: {why} ({shown})")
        if self.merged:
            notes.append(
                f"{self.name}: {len(self.merged)} duplicate line(s) merged ({self.merged[0]})"
            )
        return notes

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
