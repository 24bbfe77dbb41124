"""Start the sandbox while the run is planned, so the first samples do not wait for it.

A sandbox worker takes a while to become useful: bubblewrap and a runtime interpreter
start, pytest is imported, and the first request naming a task's runtime deps (FastAPI,
its test client, ...) imports those too. Started on first use, all of it sits on the
first sample's path. :class:`SandboxStart` does it in a thread from the moment the run
begins: the harness process loads the suite and personas and builds the plan on one
core while the workers start on the other, and each worker imports the plan's runtime
deps (:func:`graders.sandbox_modules`) as soon as the plan names them, before any sample
reaches it. (When the plan needs no sandbox after all, the idle workers just close.)

Only when the runtime venv is already provisioned: provisioning can take minutes and
must not run ahead of the checks that refuse a bad command line; then the sandbox is
built where it always was, on first need.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evals.sandbox import Sandbox

__all__ = ["SandboxStart"]


def _quietly(warm: Callable[[], None]) -> None:
    # A worker that cannot start fails again, with its own error, on the first sample
    # that needs it (recorded as infra): nothing to report from here.
    with contextlib.suppress(Exception):
        warm()


class SandboxStart:
    """Builds and warms one sandbox in a background thread; see the module docstring."""

    def __init__(self, name: str, *, warm: bool = True, workers: int | None = None) -> None:
        self.name = name
        self._warm = warm
        self._workers = workers  # None: one per core
        self._sandbox: Future[Sandbox] = Future()
        #: The plan's runtime modules; None: no warm-up (nothing sandboxed, or the run stops).
        self._preload: Future[list[str] | None] = Future()
        self._thread: threading.Thread | None = None

    def start(self, *, provision: bool = False) -> bool:
        """Start building now if the runtime is ready; False if it is not (build later).

        ``provision``: start anyway, provisioning the runtime venv in the thread first (a
        Ray node's runner, whose command line the driver has checked already).
        """
        from evals.sandbox.runtime import runtime_status

        if not provision and not runtime_status()[0]:
            return False
        self._thread = threading.Thread(target=self._run, name="evals-sandbox-start", daemon=True)
        self._thread.start()
        return True

    def preload(self, names: Sequence[str] | None) -> None:
        """The plan is known: each worker (started already, or as it comes up) imports
        ``names`` before its first sample (None: nothing to import, e.g. no grader of the
        plan needs the sandbox; the workers started meanwhile just idle until closed)."""
        if not self._preload.done():
            self._preload.set_result(None if names is None else list(names))

    def _build(self) -> Sandbox:
        from evals.sandbox import get_sandbox
        from evals.sandbox.runtime import ensure_runtime

        return get_sandbox(self.name, runtime=ensure_runtime(), workers=self._workers)

    def _run(self) -> None:
        from evals.sandbox import PooledSandbox

        try:
            sandbox = self._build()
        except BaseException as exc:  # raised again, in the run, by sandbox()
            self._sandbox.set_exception(exc)
            return
        self._sandbox.set_result(sandbox)
        if not self._warm or not isinstance(sandbox, PooledSandbox):
            return
        early = None
        if not self._preload.done():  # start them while the plan is built...
            early = threading.Thread(target=_quietly, args=(sandbox.warm,), daemon=True)
            early.start()
        names = self._preload.result()
        if names is not None:  # ...and each imports the plan's modules (once started)
            _quietly(functools.partial(sandbox.warm, preload=names))
        if early is not None:
            early.join()

    def sandbox(self) -> Sandbox:
        """The sandbox (built now, in this thread, if :meth:`start` did not start it).

        Raises:
            SandboxError: The sandbox cannot be built here (e.g. ``bwrap`` was asked for).
        """
        if self._thread is None and not self._sandbox.done():
            self._sandbox.set_result(self._build())  # the same sandbox the thread builds
        return self._sandbox.result()

    def close(self) -> None:
        """Release the sandbox if it was built (for a run that stops before grading)."""
        self.preload(None)  # a warm-up still waiting for the plan starts no worker
        self._close_built()  # first: a worker still starting is killed as it comes up
        if self._thread is not None:
            self._thread.join()
        self._close_built()

    def _close_built(self) -> None:
        if self._sandbox.done() and self._sandbox.exception() is None:
            self._sandbox.result().close()
