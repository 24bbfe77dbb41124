"""The ``process`` fallback: rlimits, a scrubbed environment and a timeout, no namespaces.

For machines without working bubblewrap (macOS laptops, containers without user
namespaces). Candidate code runs as the harness's own user, can read what that user
can read and can reach the network, so every run using it is marked **NOT ISOLATED**
in the manifest and on the scorecard. Each sample still gets a fresh private workdir,
its own session (the whole process group is killed at the end), the same rlimits and
the same environment allowlist as ``bwrap``; the warm workers are plain runtime-python
processes.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref

from evals.sandbox._pooled import INSIDE_DIR, PooledSandbox
from evals.sandbox.runtime import Runtime

__all__ = ["ProcessSandbox"]


class ProcessSandbox(PooledSandbox):
    """No namespaces; see the module docstring."""

    name = "process"
    isolated = False
    #: The sample runs as the harness's user: a cgroup it could reach, it could raise.
    sample_limits_reason = "process sandbox: rlimits + tree watch (no cgroup)"

    def __init__(
        self,
        *,
        runtime: Runtime | None = None,
        workers: int | None = None,
        ro_binds: tuple[str, ...] = (),
    ) -> None:
        """``ro_binds`` is accepted for symmetry and ignored: this sees the whole host."""
        self._base = tempfile.mkdtemp(prefix="evals-sandbox-")
        weakref.finalize(self, shutil.rmtree, self._base, True)
        super().__init__(runtime=runtime, workers=workers)

    def _worker_argv(self, slot: int) -> list[str]:
        worker = f"{INSIDE_DIR}/_pe_worker.py"
        return [
            str(self.runtime.python),
            "-s",
            "-B",
            worker,
            "--mode",
            "none",
            "--workbase",
            self._base,
        ]
