"""The ``bwrap`` sandbox: bubblewrap namespaces around each warm worker, and per sample.

Each worker runs in its own bwrap: the host root read-only, a private ``/tmp``, the
harness's home, project tree (hence its ``.venv``, config and secrets) and ``/run``
hidden behind empty tmpfs mounts with only the runtime venv and its interpreter bound
back read-only; no network, a new session, ``--die-with-parent`` and a cleared
environment. Inside, every sample additionally gets its own mount, PID, IPC and UTS
namespaces, a fresh tmpfs workdir, and runs as a per-worker unprivileged uid (when the
harness is root) or with every capability dropped (in a nested user namespace), under
rlimits and a wall-clock timeout that kills its whole PID namespace.

Where the nested namespaces are refused (some AppArmor profiles), each sample gets a
single-use bwrap of its own instead: slower, equally isolated.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from evals.errors import SandboxError
from evals.sandbox._base import Limits
from evals.sandbox._pool import Worker
from evals.sandbox._pooled import GRACE_S, INSIDE_DIR, PooledSandbox
from evals.sandbox._uids import UidLease
from evals.sandbox.runtime import Runtime, find_project_root

__all__ = ["INSTALL_HINT", "BwrapSandbox", "bwrap_problem"]

INSTALL_HINT = "install bubblewrap (apt-get install bubblewrap / dnf install bubblewrap)"
#: Inside the sandbox, the worker's own code is bound read-only here (a private tmpfs).
_INSIDE_MOUNT = "/tmp/.evals"


@functools.lru_cache(maxsize=1)
def bwrap_problem() -> str:
    """Why bwrap cannot be used here ("" when it works)."""
    exe = shutil.which("bwrap")
    if exe is None:
        return f"bwrap not found on PATH; {INSTALL_HINT}"
    cmd = [exe, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/"]
    cmd += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "true"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap failed to run: {exc}"
    if out.returncode != 0:
        detail = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return (
            f"bwrap is installed but cannot create namespaces here ({detail}); enable "
            "unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 / "
            "kernel.apparmor_restrict_unprivileged_userns=0) or run as root"
        )
    return ""


def _hidden_paths() -> list[Path]:
    """Host folders that must look empty inside the sandbox."""
    paths = [Path.home(), find_project_root(), Path("/run"), Path("/var/tmp")]
    return [p for p in dict.fromkeys(p.resolve() for p in paths) if p.is_dir() and p != Path("/")]


def _mount_args(runtime: Runtime) -> list[str]:
    args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    hidden = _hidden_paths()
    for path in hidden:
        args += ["--tmpfs", str(path)]
    created: set[Path] = set()
    # /tmp is a fresh tmpfs too: a project cloned under /tmp keeps its runtime venv.
    covering = [*hidden, Path("/tmp").resolve()]
    for keep in dict.fromkeys((runtime.venv.resolve(), runtime.base_prefix.resolve())):
        cover = [h for h in covering if keep.is_relative_to(h) and keep != h]
        if not cover:
            continue
        for parent in reversed(keep.parents):
            if parent.is_relative_to(cover[0]) and parent != cover[0] and parent not in created:
                args += ["--perms", "0755", "--dir", str(parent)]
                created.add(parent)
        args += ["--ro-bind", str(keep), str(keep)]
    if runtime.venv != runtime.venv.resolve():  # keep the venv reachable by its own name
        args += ["--ro-bind", str(runtime.venv.resolve()), str(runtime.venv)]
    return args + ["--ro-bind", INSIDE_DIR, _INSIDE_MOUNT]


class BwrapSandbox(PooledSandbox):
    """Bubblewrap isolation with warm workers; see the module docstring."""

    name = "bwrap"
    isolated = True

    def __init__(self, *, runtime: Runtime | None = None, workers: int | None = None) -> None:
        problem = bwrap_problem()
        if problem:
            raise SandboxError(problem, field="sandbox")
        self.privileged = os.geteuid() == 0
        #: "privileged"/"userns": warm workers; "single-use": one bwrap per sample.
        self.mode = "privileged" if self.privileged else "userns"
        self.mode_reason = ""
        super().__init__(runtime=runtime, workers=workers)

    def _worker_argv(self, slot: int, uid: int = -1) -> list[str]:
        exe = shutil.which("bwrap") or "bwrap"
        args = [exe, "--die-with-parent", "--new-session"]
        if self.privileged:
            args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
            args += ["--unshare-cgroup-try", "--cap-drop", "ALL"]
            # SYS_ADMIN: per-sample namespaces and mounts; SETUID/SETGID: drop to the sample
            # uid; KILL: the worker must be able to kill that uid's processes on timeout.
            for cap in ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_KILL"):
                args += ["--cap-add", cap]
        else:
            args += ["--unshare-all"]
        args += _mount_args(self.runtime)
        args += ["--clearenv"]
        for key, value in self._worker_env().items():
            args += ["--setenv", key, value]
        inner = "none" if self.mode == "single-use" else self.mode
        args += ["--chdir", "/tmp", "--", str(self.runtime.python), "-s", "-B"]
        args += [f"{_INSIDE_MOUNT}/_pe_worker.py", "--mode", inner, "--uid", str(uid)]
        return args + ["--workbase", "/tmp"]

    def _start_worker(self, slot: int) -> Worker:
        lease = UidLease() if self.privileged else None
        uid = lease.uid if lease is not None else -1
        try:
            try:
                worker = Worker(self._worker_argv(slot, uid), self._worker_env())
            except SandboxError as exc:
                if self.mode == "single-use":
                    raise
                # Nested namespaces refused: fall back to one bwrap per sample.
                self.mode, self.mode_reason = "single-use", str(exc)
                worker = Worker(self._worker_argv(slot, uid), self._worker_env())
        except BaseException:
            if lease is not None:
                lease.release()
            raise
        if lease is not None:
            worker.on_kill(lease.release)
        return worker

    def _call(self, request: dict[str, Any], limits: Limits) -> dict[str, Any]:
        if self.mode != "single-use":
            return super()._call(request, limits)
        worker = self._start_worker(0)
        try:
            return worker.call(request, limits.wall_seconds + GRACE_S)
        finally:
            worker.kill()
