"""Message Batches for ``--batch`` runs: collect, submit, persist, poll, match.

``generate()`` calls are queued; once no new request has arrived for ``window_s`` (or the
queue holds ``max_size``), they are submitted as one batch. The batch id is written to
``<run>/batches.json`` *before* polling starts, so a crashed run resumed with the same
run directory finds its requests in the persisted batch and polls it instead of paying
for them twice. Results are matched by ``custom_id``; errored, expired and canceled
entries raise :class:`ProviderError` (the runner records an infra error, retried on
resume) and are marked ``failed`` in the state file so the retry resubmits them.

State file (one per run directory, shared by every batching provider of the run)::

    {"version": 1, "batches": [{"id": "msgbatch_…", "model": "claude-…",
      "custom_ids": ["s…", …], "failed": [], "created_at": 1732400000.0,
      "status": "in_progress" | "ended"}]}
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evals.errors import ProviderError, RunLogError

__all__ = ["BATCH_STATE", "BatchQueue", "load_state"]

BATCH_STATE = "batches.json"
ProgressFn = Callable[[str], None]


def load_state(state_dir: Path) -> dict[str, Any]:
    """The persisted batches of a run directory (empty when there are none)."""
    path = state_dir / BATCH_STATE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"version": 1, "batches": []}
    except (OSError, ValueError) as exc:
        raise RunLogError(
            f"unreadable batch state ({exc}); delete it to resubmit", path=path
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("batches"), list):
        raise RunLogError("expected {version, batches: [...]}", path=path, field="batches")
    return data


def _save_state(state_dir: Path, data: dict[str, Any]) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".batches-", dir=state_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, state_dir / BATCH_STATE)


def _stderr_progress(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


class BatchQueue:
    """Batches the requests of one provider; one poller task per batch id."""

    def __init__(
        self,
        client: Any,
        model: str,
        state_dir: Path,
        *,
        window_s: float = 2.0,
        max_size: int = 10_000,
        poll_s: float = 30.0,
        max_wait_s: float = 26 * 3600.0,
        progress: ProgressFn | None = None,
    ) -> None:
        self.client = client
        self.model = model
        self.state_dir = state_dir
        self.window_s = window_s
        self.max_size = max_size
        self.poll_s = poll_s
        self.max_wait_s = max_wait_s
        self.progress = progress or _stderr_progress
        self.submitted = 0  # batches created by this queue (tests: 0 after a resume)
        self._pending: dict[str, tuple[dict[str, Any], asyncio.Future[str]]] = {}
        self._flusher: asyncio.Task[None] | None = None
        self._pollers: dict[str, asyncio.Task[dict[str, Any]]] = {}
        self._index: dict[str, str] | None = None  # custom_id -> persisted batch id

    # -- public ---------------------------------------------------------------------------

    async def run(self, custom_id: str, params: dict[str, Any]) -> Any:
        """The ``Message`` for one request, via a persisted or a new batch."""
        batch_id = self.persisted_batch(custom_id)
        if batch_id is None:
            batch_id = await self._enqueue(custom_id, params)
        results = await asyncio.shield(self._poller(batch_id))
        return self._take(batch_id, custom_id, results)

    def persisted_batch(self, custom_id: str) -> str | None:
        """The newest batch persisted before this queue started that holds ``custom_id``
        and has not failed it (read once: batches this queue submits are tracked live)."""
        if self._index is None:
            self._index = {}
            for record in load_state(self.state_dir)["batches"]:
                if record.get("model") != self.model:
                    continue
                failed = set(record.get("failed", ()))
                for cid in record.get("custom_ids", ()):
                    if cid in failed:
                        self._index.pop(cid, None)
                    else:
                        self._index[cid] = str(record["id"])
        return self._index.get(custom_id)

    def close(self) -> None:
        for task in [self._flusher, *self._pollers.values()]:
            if task is not None and not task.done():
                task.cancel()

    # -- submitting -----------------------------------------------------------------------

    async def _enqueue(self, custom_id: str, params: dict[str, Any]) -> str:
        if custom_id in self._pending:
            raise ProviderError(f"duplicate batch custom_id {custom_id!r} in one run")
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._pending[custom_id] = (params, future)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_when_quiet())
        return await future

    async def _flush_when_quiet(self) -> None:
        seen = -1
        while self._pending:
            if len(self._pending) >= self.max_size or len(self._pending) == seen:
                await self._submit()
                seen = -1
                continue
            seen = len(self._pending)
            await asyncio.sleep(self.window_s)

    async def _submit(self) -> None:
        taken = dict(list(self._pending.items())[: self.max_size])
        for custom_id in taken:
            del self._pending[custom_id]
        requests = [{"custom_id": cid, "params": p} for cid, (p, _) in taken.items()]
        try:
            batch = await self.client.messages.batches.create(requests=requests)
        except Exception as exc:
            for _, future in taken.values():
                if not future.done():
                    future.set_exception(exc)
            return
        self.submitted += 1
        state = load_state(self.state_dir)
        state["batches"].append(
            {
                "id": batch.id,
                "model": self.model,
                "custom_ids": list(taken),
                "failed": [],
                "created_at": time.time(),
                "status": "in_progress",
            }
        )
        _save_state(self.state_dir, state)  # before polling: a crash now loses nothing
        self.progress(f"batch {batch.id}: submitted {len(taken)} requests ({self.model})")
        for _, future in taken.values():
            if not future.done():
                future.set_result(batch.id)

    # -- polling --------------------------------------------------------------------------

    def _poller(self, batch_id: str) -> asyncio.Task[dict[str, Any]]:
        task = self._pollers.get(batch_id)
        if task is None:
            task = asyncio.create_task(self._poll(batch_id))
            self._pollers[batch_id] = task
        return task

    async def _poll(self, batch_id: str) -> dict[str, Any]:
        started = time.monotonic()
        last = ""
        while True:
            try:
                batch = await self.client.messages.batches.retrieve(batch_id)
            except Exception as exc:
                self._pollers.pop(batch_id, None)  # the next request polls again
                raise ProviderError(f"batch {batch_id}: polling failed ({exc})") from exc
            counts = batch.request_counts
            line = (
                f"batch {batch_id}: {batch.processing_status}, {counts.succeeded} succeeded, "
                f"{counts.errored} errored, {counts.expired} expired, "
                f"{counts.processing} processing"
            )
            if line != last:
                self.progress(line)
                last = line
            if batch.processing_status == "ended":
                break
            if time.monotonic() - started > self.max_wait_s:
                self._pollers.pop(batch_id, None)
                raise ProviderError(
                    f"batch {batch_id} still {batch.processing_status} after "
                    f"{self.max_wait_s:.0f}s; `evals run --resume` keeps polling it"
                )
            await asyncio.sleep(self.poll_s)
        results: dict[str, Any] = {}
        try:
            async for entry in await self.client.messages.batches.results(batch_id):
                results[entry.custom_id] = entry.result
        except Exception as exc:
            self._pollers.pop(batch_id, None)
            raise ProviderError(f"batch {batch_id}: reading results failed ({exc})") from exc
        self._mark(batch_id, status="ended")
        return results

    def _take(self, batch_id: str, custom_id: str, results: dict[str, Any]) -> Any:
        result = results.get(custom_id)
        kind = getattr(result, "type", None)
        if kind == "succeeded":
            return result.message  # type: ignore[union-attr]
        detail = "no result line" if result is None else str(kind)
        error = getattr(result, "error", None)
        if error is not None:
            inner = getattr(error, "error", error)
            detail += f": {getattr(inner, 'message', inner)}"
        self._mark(batch_id, failed=custom_id)
        if self._index is not None and self._index.get(custom_id) == batch_id:
            del self._index[custom_id]
        raise ProviderError(f"batch {batch_id} entry {custom_id} {detail}; retried on resume")

    def _mark(self, batch_id: str, *, status: str | None = None, failed: str | None = None) -> None:
        state = load_state(self.state_dir)
        for record in state["batches"]:
            if record.get("id") == batch_id:
                if status:
                    record["status"] = status
                if failed and failed not in record.setdefault("failed", []):
                    record["failed"].append(failed)
        _save_state(self.state_dir, state)
