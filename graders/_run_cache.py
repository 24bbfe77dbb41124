"""Reuse the verdict of a sandboxed pytest run whose inputs were already run.

``tests_included`` reruns a candidate's tests against the task's gold solution and each
flawed variant. Samples of the same task often ship the same tests (every oracle sample
does; so do repeated epochs), so most of those runs repeat a run already made. A run's
verdict is a function of what goes in (every file's bytes, the targets, the plugins, the
limits, the sandbox), so the key is the sha256 of exactly that: two runs share a verdict
only when nothing a candidate controls differs between them.

Thread-safe: the runner grades several samples at once, each in its own thread. A
second caller asking for a key that is being run waits for it instead of running it
again. Failures of the sandbox itself are not cached (the next caller retries).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import Any

__all__ = ["RunCache", "run_key"]


def _limits(limits: Any) -> Any:
    if dataclasses.is_dataclass(limits) and not isinstance(limits, type):
        return dataclasses.asdict(limits)
    return repr(limits)


def run_key(
    files: Mapping[str, str | bytes],
    targets: Sequence[str],
    plugins: Sequence[str],
    limits: Any,
    sandbox: str,
) -> str:
    """The sha256 identifying one pytest run's inputs."""
    digest = hashlib.sha256()
    head = {
        "targets": list(targets),
        "plugins": list(plugins),
        "limits": _limits(limits),
        "sandbox": sandbox,
    }
    digest.update(json.dumps(head, sort_keys=True).encode())
    for path in sorted(files):
        content = files[path]
        data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
        # Length-prefixed, so no two different file sets hash the same byte stream.
        digest.update(f"\0{len(path)}:{path}\0{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


class RunCache:
    """A bounded, thread-safe map from :func:`run_key` to a run's verdict."""

    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._done: OrderedDict[str, bool] = OrderedDict()
        self._running: dict[str, Future[bool]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def put(self, key: str, verdict: bool) -> None:
        """Record a verdict obtained elsewhere (e.g. the candidate's own run)."""
        with self._lock:
            self._store(key, verdict)

    def _store(self, key: str, verdict: bool) -> None:
        self._done[key] = verdict
        self._done.move_to_end(key)
        while len(self._done) > self.max_entries:
            self._done.popitem(last=False)

    def get_or_run(self, key: str, run: Callable[[], bool]) -> bool:
        """The cached verdict for ``key``, or ``run()``'s (stored) when there is none.

        Raises:
            Exception: Whatever ``run`` raised; nothing is stored for ``key`` then.
        """
        with self._lock:
            if key in self._done:
                self.hits += 1
                self._done.move_to_end(key)
                return self._done[key]
            pending = self._running.get(key)
            if pending is None:
                self.misses += 1
                mine: Future[bool] = Future()
                self._running[key] = mine
            else:
                self.hits += 1
        if pending is not None:
            return pending.result()
        try:
            verdict = run()
        except BaseException as exc:
            with self._lock:
                del self._running[key]
            mine.set_exception(exc)
            raise
        with self._lock:
            self._store(key, verdict)
            del self._running[key]
        mine.set_result(verdict)
        return verdict
