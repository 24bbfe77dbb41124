"""The shared body of both sandboxes: requests to a pool of warm workers.

Subclasses only say how a worker process is started (:meth:`PooledSandbox._worker_argv`).
Every call writes its files into a fresh per-sample filesystem inside the worker, so
nothing is shared between samples; the pool makes it fast and thread-safe.
"""

from __future__ import annotations

import atexit
import base64
import os
import posixpath
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

from evals.errors import SandboxError
from evals.sandbox._base import BaseSandbox, ExecResult, Limits
from evals.sandbox._env import sandbox_env
from evals.sandbox._pool import SandboxInfraError, Worker, WorkerPool
from evals.sandbox._preload import preload_names
from evals.sandbox._report import PytestReport, build_report
from evals.sandbox.runtime import Runtime, ensure_runtime
from evals.timings import stamp

__all__ = ["GRACE_S", "INSIDE_DIR", "PooledSandbox"]

INSIDE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_inside")
#: Extra seconds the harness waits for a worker beyond the request's own wall limit.
GRACE_S = 15.0
DEFAULT_LIMITS = Limits()


def _check_path(rel: str) -> str:
    norm = posixpath.normpath(rel)
    if not rel or rel.startswith("/") or norm.startswith("..") or "\0" in rel:
        raise SandboxError(f"refusing to write {rel!r} outside the workdir", field="files")
    return norm


def _encode(files: Mapping[str, str | bytes]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for rel, content in files.items():
        key = _check_path(rel)
        if isinstance(content, bytes):
            out[key] = {"b64": base64.b64encode(content).decode()}
        else:
            out[key] = content
    return out


def _limits(limits: Limits) -> dict[str, Any]:
    return {
        "wall_seconds": limits.wall_seconds,
        "cpu_seconds": limits.cpu_seconds,
        "memory_mb": limits.memory_mb,
        "max_procs": limits.max_procs,
        "file_size_mb": limits.file_size_mb,
        "open_files": limits.open_files,
        "output_bytes": limits.output_bytes,
        "tmpfs_mb": limits.tmpfs_mb,
        "max_wall_factor": limits.max_wall_factor,
    }


def _exec_result(response: Mapping[str, Any]) -> ExecResult:
    stderr = str(response.get("stderr", ""))
    note = str(response.get("note") or "")
    if note:
        stderr = f"{stderr}\n[sandbox] {note}".lstrip("\n")
    return ExecResult(
        exit_code=response.get("exit_code"),
        stdout=str(response.get("stdout", "")),
        stderr=stderr,
        duration_s=float(response.get("duration_s", 0.0)),
        cpu_s=float(response["cpu_s"]) if response.get("cpu_s") is not None else None,
        stdout_truncated=bool(response.get("stdout_truncated")),
        stderr_truncated=bool(response.get("stderr_truncated")),
        killed=response.get("killed"),
        signal=response.get("signal"),
    )


class PooledSandbox(BaseSandbox):
    """A :class:`~evals.sandbox.Sandbox` backed by a pool of warm workers."""

    name: str = ""
    isolated: bool = False
    sample_limits: str = "watch"
    #: Why ``sample_limits`` is what it is (``evals doctor``).
    sample_limits_reason: str = "rlimits + tree watch (no cgroup for this sandbox)"

    def __init__(self, *, runtime: Runtime | None = None, workers: int | None = None) -> None:
        self.runtime = runtime if runtime is not None else ensure_runtime()
        self.workers = workers or os.cpu_count() or 1
        self._pool = WorkerPool(self._start_worker, self.workers)
        self._finalizer = weakref.finalize(self, self._pool.close)
        atexit.register(self._finalizer)
        stamp("sandbox_built", sandbox=self.name, workers=self.workers)

    # -- subclass hooks -----------------------------------------------------------------

    def _worker_argv(self, slot: int) -> list[str]:
        raise NotImplementedError

    def _worker_env(self) -> dict[str, str]:
        return sandbox_env(self.runtime)

    def _start_worker(self, slot: int) -> Worker:
        return Worker(self._worker_argv(slot), self._worker_env())

    # -- the interface ------------------------------------------------------------------

    def _call(self, request: dict[str, Any], limits: Limits) -> dict[str, Any]:
        return self._pool.call(request, limits.max_wall_s + GRACE_S)

    def run(
        self,
        argv: Sequence[str],
        files: Mapping[str, str | bytes],
        limits: Limits = DEFAULT_LIMITS,
        *,
        env: Mapping[str, str] | None = None,
    ) -> ExecResult:
        """Write ``files`` into a fresh workdir, run ``argv`` there, and tear it down.

        ``argv[0]`` may be ``python`` (the runtime venv's interpreter) or a path.

        Raises:
            SandboxInfraError: The sandbox itself failed (not the command).
        """
        if not argv:
            raise SandboxError("empty command", field="argv")
        program = str(self.runtime.python) if argv[0] in ("python", "python3") else argv[0]
        request = {
            "kind": "exec",
            "argv": [program, *map(str, argv[1:])],
            "files": _encode(files),
            "env": {**sandbox_env(self.runtime), **(env or {})},
            "limits": _limits(limits),
        }
        return _exec_result(self._call(request, limits))

    def run_pytest(
        self,
        files: Mapping[str, str | bytes],
        targets: Sequence[str],
        limits: Limits = DEFAULT_LIMITS,
        *,
        hidden: Mapping[str, str | bytes] | None = None,
        plugins: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        preload: Sequence[str] = (),
    ) -> PytestReport:
        """Run pytest on ``targets`` over ``files`` in a fresh workdir (the fast path).

        pytest runs with plugin autoload off, only ``plugins`` loaded explicitly, no
        config file, and reports outcomes over its report channel (checked strictly by
        :func:`~evals.sandbox._report.build_report`). With ``hidden`` (the hidden tests),
        those files go to a read-only folder outside the workdir, ``targets`` are relative
        to it, that folder comes first on ``sys.path`` (no workdir module can shadow a test
        module) and no ``conftest.py`` is loaded. Without it, ``targets`` are relative to
        the workdir, which goes last on ``sys.path`` (stdlib wins). The worker imports
        ``plugins``, ``preload`` and the hidden tests' imports before forking the sample
        (see :mod:`evals.sandbox._preload`): ``preload`` must name harness-chosen modules
        (a task's runtime deps), never names taken from candidate files.

        Raises:
            SandboxInfraError: The sandbox itself failed (not the tests).
        """
        hidden = hidden or {}
        request = {
            "kind": "pytest",
            "argv": [_check_path(str(t)) for t in targets],
            "files": _encode(files),
            "hidden": _encode(hidden),
            "plugins": list(plugins),
            "preload": preload_names([*plugins, *preload], hidden, [*files, *hidden]),
            "env": {**sandbox_env(self.runtime), **(env or {})},
            "limits": _limits(limits),
        }
        response = self._call(request, limits)
        if str(response.get("note") or "").startswith("sandbox setup failed"):
            # Reported on a pipe the sample never holds: the sandbox's failure, not its.
            raise SandboxInfraError(str(response["note"]))
        return build_report(response, _exec_result(response))

    def warm(self, count: int | None = None, *, preload: Sequence[str] = ()) -> None:
        """Start ``count`` workers now instead of on first use, side by side.

        ``preload``: harness-chosen modules (a suite's runtime deps and plugins, never
        names from candidate files) each new worker, and each one started earlier and
        idle now, imports now, as it would on the first request naming them, so no
        sample waits for that import. So workers can start before the names are known
        (``warm()``) and import them once they are (``warm(preload=names)``).
        """
        names = preload_names(preload, {}, ())
        if not names:
            self._pool.warm(count)
            return
        limits = Limits(wall_seconds=GRACE_S, max_wall_factor=1.0)
        request = {
            "kind": "exec",
            "argv": [str(self.runtime.python), "-I", "-S", "-c", ""],
            "files": {},
            "preload": names,
            "env": sandbox_env(self.runtime),
            "limits": _limits(limits),
        }

        def prime(worker: Worker) -> None:
            worker.call(request, limits.max_wall_s + GRACE_S)

        self._pool.warm(count, prime)

    def close(self) -> None:
        """Stop every worker. Safe to call twice, and at exit."""
        self._finalizer()
