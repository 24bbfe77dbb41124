"""Warm workers, harness side: start them, talk to them, replace the ones that die.

Each worker is a long-lived process (one bwrap each, or a bare runtime python for the
process fallback) speaking length-prefixed JSON over its stdin/stdout; see
``_inside/_pe_worker.py``. A worker serves one request at a time; the pool hands idle
workers to callers from any thread and starts new ones up to its size.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import itertools
import json
import os
import select
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

from evals.errors import SandboxError
from evals.sandbox._queue import current_clock, current_order
from evals.timings import stamp

__all__ = ["SandboxInfraError", "Worker", "WorkerPool"]

_HEADER = struct.Struct(">I")
#: Request fields that hold sample data, sent raw after the header.
_PAYLOAD_KEYS = ("files", "hidden")
#: A worker that cannot start (import pytest, probe its namespaces) within this is broken.
START_TIMEOUT_S = 60.0


_SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evals-sandbox-spawner")


class SandboxInfraError(SandboxError):
    """The sandbox itself failed on one request (not the candidate): grade it ``error``."""


class Worker:
    """One warm worker process."""

    def __init__(self, argv: Sequence[str], env: dict[str, str]) -> None:
        self._on_kill: list[Callable[[], None]] = []
        #: The pool's prime this worker ran (see :meth:`WorkerPool.warm`).
        self.primed_with: Callable[[Worker], None] | None = None
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115  (closed in kill)
        try:
            # bwrap --die-with-parent (PR_SET_PDEATHSIG) fires when the *thread* that forked
            # it exits, so workers are forked from one long-lived thread, never the caller's.
            self.proc = _SPAWNER.submit(
                subprocess.Popen,
                list(argv),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._log,
                env=env,
                start_new_session=True,
                close_fds=True,
            ).result()
        except OSError as exc:
            raise SandboxError(f"cannot start a sandbox worker ({argv[0]}): {exc}") from exc
        try:
            hello = self._receive(START_TIMEOUT_S)
        except SandboxInfraError as exc:
            raise SandboxError(f"sandbox worker failed to start: {exc}") from None
        if not hello.get("ready"):
            self.kill()
            raise SandboxError(f"sandbox worker is not usable here: {hello.get('problem')}")

    def _stderr_tail(self) -> str:
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1][:300] if lines else "no output"

    def _read(self, size: int, deadline: float) -> bytes:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        chunks: list[bytes] = []
        while size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxInfraError("sandbox worker did not answer in time")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                self.proc.wait(timeout=5)
                raise SandboxInfraError(
                    f"sandbox worker exited ({self.proc.returncode}): {self._stderr_tail()}"
                )
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _receive(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        try:
            (size,) = _HEADER.unpack(self._read(_HEADER.size, deadline))
            message: dict[str, Any] = json.loads(self._read(size, deadline))
            for name, length in message.pop("raw", []):  # sections sent raw after it
                text = self._read(int(length), deadline).decode("utf-8", "replace")
                message[name] = text
            if "report" in message and isinstance(message["report"], str):
                message["report"] = {
                    "lines": message["report"].split("\n"),
                    "truncated": bool(message.pop("report_truncated", False)),
                }
        except (SandboxInfraError, ValueError, struct.error) as exc:
            self.kill()
            if isinstance(exc, SandboxInfraError):
                raise
            raise SandboxInfraError(f"sandbox worker sent garbage: {exc}") from exc
        return message

    def call(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one request and wait up to ``timeout`` seconds for its result."""
        assert self.proc.stdin is not None
        # The files go apart from the header, raw: the worker never parses them (its
        # forks would inherit them; see evals/sandbox/_inside/_pe_buffer.py).
        files = {k: request[k] for k in _PAYLOAD_KEYS if k in request}
        payload = json.dumps(files).encode() if files else b""
        head = {k: v for k, v in request.items() if k not in files}
        head |= {
            "payload": len(payload),
            "has_hidden": bool(request.get("hidden")),
            "file_names": sorted(request.get("files") or {}),
        }
        body = json.dumps(head).encode()
        try:
            self.proc.stdin.write(_HEADER.pack(len(body)) + body + payload)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            self.kill()
            raise SandboxInfraError(f"sandbox worker is gone: {self._stderr_tail()}") from exc
        return self._receive(timeout)

    def on_kill(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the worker is gone (e.g. release its uid lease)."""
        self._on_kill.append(callback)

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, 9)
            except OSError:
                self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # a dead worker's pipe may be broken
                    stream.close()
        callbacks, self._on_kill = self._on_kill, []
        for callback in callbacks:
            callback()


class WorkerPool:
    """Up to ``size`` warm workers shared by any number of threads.

    A free worker goes to the waiting call of the lowest order
    (:func:`~evals.sandbox._queue.serve_in_order`), first come first served among equals.
    Once :meth:`warm` was given a ``prime``, every worker is primed with it before it
    serves a call: started then, idle then, or taken by a call before the warm-up got to
    it (a replacement for a dead worker too).
    """

    def __init__(self, factory: Callable[[int], Worker], size: int) -> None:
        self._factory = factory
        self.size = max(1, size)
        self._idle: list[tuple[int, Worker]] = []
        self._free_slots = list(range(self.size))
        self._cond = threading.Condition()
        self._closed = False
        self._waiting: list[tuple[float, int]] = []  # a heap of (order, arrival)
        self._arrivals = itertools.count()
        self._prime: Callable[[Worker], None] | None = None

    def _ready(self, slot: int, worker: Worker) -> None:
        """Prime ``worker`` with the pool's prime unless it already was (its holder only)."""
        prime = self._prime
        if prime is None or worker.primed_with is prime:
            return
        prime(worker)
        worker.primed_with = prime
        stamp("worker_primed", slot=slot)

    def _acquire(self) -> tuple[int, Worker | None]:
        with self._cond:
            ticket = (current_order(), next(self._arrivals))
            heapq.heappush(self._waiting, ticket)
            try:
                while True:
                    if self._closed:
                        raise SandboxError("the sandbox was closed; create a new one")
                    if self._waiting[0] == ticket and (self._idle or self._free_slots):
                        return self._idle.pop() if self._idle else (self._free_slots.pop(), None)
                    self._cond.wait()
            finally:
                self._waiting.remove(ticket)
                heapq.heapify(self._waiting)
                self._cond.notify_all()  # the next in line may take what is left

    def _release(self, slot: int, worker: Worker | None) -> None:
        with self._cond:
            if worker is not None and worker.alive and not self._closed:
                self._idle.append((slot, worker))
            else:
                if worker is not None:
                    worker.kill()
                self._free_slots.append(slot)
            self._cond.notify_all()  # only the first in line takes it; the rest wait on

    def call(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Run ``request`` on an idle worker (starting one if needed).

        ``timeout`` counts from when a worker takes the request, never the wait for one.
        """
        clock = current_clock()
        asked = time.perf_counter()
        if clock is not None:
            clock.waiting()
        try:
            slot, worker = self._acquire()
        finally:
            if clock is not None:
                clock.served()
        got = time.perf_counter()
        try:
            try:
                if worker is None:
                    worker = self._factory(slot)
                self._ready(slot, worker)
                result = worker.call(request, timeout)
            except BaseException:
                if worker is not None:
                    worker.kill()
                self._release(slot, None)
                raise
            self._release(slot, worker)
        finally:
            if clock is not None:
                clock.done()
        stamp(
            "sandbox_call",
            kind=request.get("kind"),
            slot=slot,
            queued_s=round(got - asked, 4),
            served_s=round(time.perf_counter() - got, 4),
            # The sample tree's CPU plus the worker's own for the request: load-independent.
            cpu_s=round(float(result.get("cpu_s") or 0.0), 4),
        )
        return result

    def warm(self, count: int | None = None, prime: Callable[[Worker], None] | None = None) -> None:
        """Start workers ahead of time (they otherwise start on first use), side by side.

        ``prime(worker)`` runs on each new worker before any caller gets it (e.g. one
        request that preloads modules), and on each worker idle now; from now on, every
        worker runs it before serving a call. A worker that fails to start or to prime
        frees its slot, and the first error is raised once the others are ready.
        """
        slots: list[int] = []
        with self._cond:
            if prime is not None:
                self._prime = prime
            while self._free_slots and len(slots) < min(count or self.size, self.size):
                slots.append(self._free_slots.pop())

        def start(slot: int) -> None:
            worker = None
            try:
                worker = self._factory(slot)
                stamp("worker_started", slot=slot)
                self._ready(slot, worker)
            except BaseException:
                if worker is not None:
                    worker.kill()
                self._release(slot, None)
                raise
            self._release(slot, worker)

        def reprime(slot: int, worker: Worker) -> None:
            try:
                self._ready(slot, worker)
            except BaseException:
                worker.kill()
                self._release(slot, None)
                raise
            self._release(slot, worker)

        # Workers started earlier (e.g. before the plan named what to preload) and idle
        # now are primed too; a busy one is not waited for (its requests preload anyway).
        with self._cond:
            idle, self._idle = (self._idle, []) if prime is not None else ([], self._idle)
        jobs = [functools.partial(start, slot) for slot in slots]
        jobs += [functools.partial(reprime, slot, worker) for slot, worker in idle]
        if len(jobs) == 1:
            jobs[0]()
            return
        with ThreadPoolExecutor(len(jobs) or 1, thread_name_prefix="evals-sandbox-warm") as pool:
            for future in [pool.submit(job) for job in jobs]:
                future.result()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for _, worker in idle:
            worker.kill()
