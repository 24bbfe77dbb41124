"""The ``bwrap`` sandbox: bubblewrap namespaces around each warm worker, and per sample.

Each worker runs in its own bwrap whose root is built from an allowlist, never from the
host root: the runtime venv and the interpreter installation it points at, the shared
libraries their ELF files load (found with ``ldd``) plus ``/etc/ld.so.cache``, the
``/bin``-style symlinks of a merged ``/usr``, ``/dev`` basics, a fresh ``/proc``, a
size-capped private ``/tmp``, the worker's own code, and any extra read-only binds the
caller names (``ro_binds``); then the root is remounted read-only. No network, a new
session, ``--die-with-parent`` and a cleared environment. Inside, every sample gets its own
mount, PID, IPC and UTS namespaces, fresh size-capped tmpfs mounts, a per-worker
unprivileged uid (when the harness is root) or no capabilities (in a nested user
namespace), a seccomp filter (no new namespaces, mounts, ptrace, bpf, ...), rlimits, its
own cgroup bounding its whole process tree (or, where there is none to use, a watch on the
tree: ``_cgroup.py``), and a wall-clock timeout that kills its PID namespace.

Where the nested namespaces are refused (some AppArmor profiles), each sample gets a
single-use bwrap of its own instead: slower, equally isolated.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from evals.errors import SandboxError
from evals.sandbox._base import Limits
from evals.sandbox._cgroup import WorkerCgroups
from evals.sandbox._cgroup import backend as cgroup_backend
from evals.sandbox._pool import Worker
from evals.sandbox._pooled import GRACE_S, INSIDE_DIR, PooledSandbox
from evals.sandbox._uids import UidLease
from evals.sandbox.runtime import STAMP, Runtime

__all__ = [
    "INSIDE_MOUNT",
    "INSTALL_HINT",
    "BwrapSandbox",
    "bwrap_problem",
    "library_closure",
    "root_args",
]

INSTALL_HINT = "install bubblewrap (apt-get install bubblewrap / dnf install bubblewrap)"
#: Inside the sandbox, the worker's own code is bound read-only here (a private tmpfs).
_INSIDE_MOUNT = "/tmp/.evals"
#: Public name of the same: ``_pe_sys.py`` (``install_seccomp``) is there in every root.
INSIDE_MOUNT = _INSIDE_MOUNT
#: The worker's cgroup folders (``_inside/_pe_cgroup.py``), in the worker's mounts only.
_CGROUP_MOUNT = "/tmp/.evals-cg"


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


#: Host top-level names that may be symlinks into /usr (merged-/usr systems).
_USR_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")


def _is_elf(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def _elf_files(root: Path) -> list[str]:
    if root.is_file():
        return [str(root)] if _is_elf(str(root)) else []
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith(".so") or ".so." in name or folder.endswith("/bin"):
                path = os.path.join(folder, name)
                if not os.path.islink(path) and _is_elf(path):
                    found.append(path)
    return found


@functools.lru_cache(maxsize=16)
def library_closure(roots: tuple[str, ...]) -> tuple[str, ...]:
    """Shared libraries (outside ``roots``) that the ELF files under ``roots`` load.

    Found with ``ldd`` once per process; only these files of the host's system library
    folders are bound into the sandbox.
    """
    files = [f for root in roots for f in _elf_files(Path(root))]
    libs: set[str] = set()
    for start in range(0, len(files), 200):
        try:
            out = subprocess.run(
                ["ldd", *files[start : start + 200]], capture_output=True, text=True, timeout=60
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            continue
        for line in out.splitlines():
            if not line.startswith(("\t", " ")):
                continue  # "FILE:" headers of a many-file ldd, not libraries
            target = line.split("=>", 1)[-1].strip()
            if target.startswith("/"):
                libs.add(target.split(" (", 1)[0])
    inside = tuple(str(Path(r).resolve()) for r in roots)
    return tuple(sorted(p for p in libs if not os.path.realpath(p).startswith(inside)))


class _Binds:
    """``--ro-bind`` arguments, with every parent folder created world-searchable first."""

    def __init__(self) -> None:
        self.args: list[str] = []
        self._made: set[str] = {"/"}

    def bind(self, source: str, dest: str) -> None:
        for parent in reversed(Path(dest).parents):
            if str(parent) not in self._made:
                self.args += ["--perms", "0755", "--dir", str(parent)]
                self._made.add(str(parent))
        self.args += ["--ro-bind", source, dest]
        self._made.add(dest)

    def bind_file(self, path: str) -> None:
        """Bind ``path`` at its own name (its folder resolved, so /lib -> /usr/lib holds)."""
        dest = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        self.bind(os.path.realpath(path), dest)


def runtime_libraries(runtime: Runtime) -> tuple[str, ...]:
    """:func:`library_closure` of the runtime, cached in the venv beside its stamp."""
    roots = (str(runtime.venv.resolve()), str(runtime.base_prefix.resolve()))
    stamp = runtime.venv / STAMP
    key = f"{stamp.read_text().strip() if stamp.is_file() else ''} {' '.join(roots)}"
    cache = runtime.venv / ".evals-libraries.json"
    with contextlib.suppress(OSError, ValueError, TypeError):
        data = json.loads(cache.read_text())
        if data["key"] == key and all(os.path.exists(p) for p in data["libs"]):
            return tuple(str(p) for p in data["libs"])
    libs = library_closure(roots)
    with contextlib.suppress(OSError):
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": key, "libs": list(libs)}))
        tmp.replace(cache)
    return libs


def _mount_args(
    runtime: Runtime, extra: tuple[str, ...] = (), cgroups: dict[str, str] | None = None
) -> list[str]:
    """The worker's root, from an allowlist: nothing of the host is visible unless named.

    ``cgroups``: the worker's own cgroup folders (name -> host path), bound writable at
    ``CGROUP_MOUNT/<name>``; each sample unmounts them before its code runs.
    """
    args = ["--dev", "/dev", "--proc", "/proc", "--size", str(64 << 20), "--tmpfs", "/tmp"]
    for name in _USR_LINKS:
        host = Path("/", name)
        if host.is_symlink():
            args += ["--symlink", os.readlink(host), str(host)]
    binds = _Binds()
    trees = [runtime.venv.resolve(), runtime.base_prefix.resolve()]
    extras = [Path(p).absolute() for p in extra]
    for tree in dict.fromkeys([*trees, *(p.resolve() for p in extras)]):
        binds.bind(str(tree), str(tree))
    for alias, tree in ((runtime.venv, trees[0]), *((p, p.resolve()) for p in extras)):
        if alias != tree:  # keep it reachable by its own (symlinked) name too
            binds.bind(str(tree), str(alias))
    libs = runtime_libraries(runtime)
    if extras:
        libs += library_closure(tuple(str(p) for p in extras))
    for lib in dict.fromkeys(libs):
        binds.bind_file(lib)
    if os.path.exists("/etc/ld.so.cache"):
        binds.bind("/etc/ld.so.cache", "/etc/ld.so.cache")
    args += binds.args
    args += ["--ro-bind", INSIDE_DIR, _INSIDE_MOUNT]
    for name, path in (cgroups or {}).items():
        args += ["--bind", path, f"{_CGROUP_MOUNT}/{name}"]
    return args + ["--remount-ro", "/"]


def root_args(runtime: Runtime, ro_binds: tuple[str, ...] = ()) -> list[str]:
    """bwrap arguments building a sample's allowlist root, the one the workers get.

    The runtime, its library closure, ``/etc/ld.so.cache``, ``/dev``, ``/proc``, a capped
    ``/tmp``, the in-sandbox helpers at :data:`INSIDE_MOUNT`, and ``ro_binds`` (files or
    folders at their own path, with their library closure); then ``/`` is read-only. The
    agent jail (``evals/agent/_jail.py``) adds its workspace binds after these, so one
    place decides what any sample's root contains.
    """
    return _mount_args(runtime, tuple(ro_binds))


class BwrapSandbox(PooledSandbox):
    """Bubblewrap isolation with warm workers; see the module docstring."""

    name = "bwrap"
    isolated = True

    def __init__(
        self,
        *,
        runtime: Runtime | None = None,
        workers: int | None = None,
        ro_binds: tuple[str, ...] = (),
    ) -> None:
        """``ro_binds``: extra host files or folders to show read-only at their own path
        (e.g. a CLI an agent may run); the shared libraries their ELF files need come too."""
        self.ro_binds = tuple(ro_binds)
        problem = bwrap_problem()
        if problem:
            raise SandboxError(problem, field="sandbox")
        self.privileged = os.geteuid() == 0
        #: "privileged"/"userns": warm workers; "single-use": one bwrap per sample.
        self.mode = "privileged" if self.privileged else "userns"
        self.mode_reason = ""
        found = cgroup_backend()
        self._cgroups = found if found.usable else None
        self.sample_limits, self.sample_limits_reason = found.kind, found.reason
        super().__init__(runtime=runtime, workers=workers)

    def _worker_argv(
        self, slot: int, uid: int = -1, cgroups: WorkerCgroups | None = None
    ) -> list[str]:
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
        binds = cgroups.dirs if cgroups is not None else {}
        args += _mount_args(self.runtime, self.ro_binds, binds)
        args += ["--clearenv"]
        for key, value in self._worker_env().items():
            args += ["--setenv", key, value]
        inner = "none" if self.mode == "single-use" else self.mode
        args += ["--chdir", "/tmp", "--", str(self.runtime.python), "-s", "-B"]
        args += [f"{_INSIDE_MOUNT}/_pe_worker.py", "--mode", inner, "--uid", str(uid)]
        for name in binds:
            args += ["--cgroup", f"{name}={_CGROUP_MOUNT}/{name}"]
        return args + ["--workbase", "/tmp"]

    def _start_worker(self, slot: int) -> Worker:
        lease = UidLease() if self.privileged else None
        uid = lease.uid if lease is not None else -1
        cgroups = None
        try:
            if self._cgroups is not None and self.mode != "single-use":
                cgroups = WorkerCgroups(self._cgroups)
            try:
                worker = Worker(self._worker_argv(slot, uid, cgroups), self._worker_env())
            except SandboxError as exc:
                if cgroups is None:
                    worker = self._single_use(slot, uid, exc)
                else:
                    # Perhaps the cgroups (not usable from inside the worker): try without
                    # them, for this sandbox's every worker from now on, before blaming
                    # the nested namespaces.
                    cgroups.remove()
                    cgroups = self._cgroups = None
                    self._watch(f"a worker could not start with its cgroups ({exc})")
                    try:
                        worker = Worker(self._worker_argv(slot, uid), self._worker_env())
                    except SandboxError as again:
                        worker = self._single_use(slot, uid, again)
        except BaseException:
            if cgroups is not None:
                cgroups.remove()
            if lease is not None:
                lease.release()
            raise
        if cgroups is not None:  # first: no process of the worker outlives its cgroups
            worker.on_kill(cgroups.remove)
        if lease is not None:
            worker.on_kill(lease.release)
        return worker

    def _watch(self, why: str) -> None:
        self.sample_limits, self.sample_limits_reason = "watch", f"{why}: rlimits + tree watch"

    def _single_use(self, slot: int, uid: int, exc: SandboxError) -> Worker:
        """Nested namespaces refused: one bwrap per sample from now on (or ``exc``)."""
        if self.mode == "single-use":
            raise exc
        # Its sample shares the worker's mounts: no cgroup folder may be bound there.
        self.mode, self.mode_reason = "single-use", str(exc)
        self._cgroups = None
        self._watch("single-use bwrap (no nested namespaces)")
        return Worker(self._worker_argv(slot, uid), self._worker_env())

    def _call(self, request: dict[str, Any], limits: Limits) -> dict[str, Any]:
        if self.mode != "single-use":
            return super()._call(request, limits)
        worker = self._start_worker(0)
        try:
            return worker.call(request, limits.max_wall_s + GRACE_S)
        finally:
            worker.kill()
