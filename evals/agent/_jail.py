"""The bubblewrap jail an agent runs in, on the grading sandbox's own root builder.

Unlike a grading sample (one command, seconds), an agent is a long-running process that
talks to a model, so it gets its own bwrap per sample rather than a pooled worker. What
that bwrap's root contains is decided in one place, the sandbox's
:func:`evals.sandbox.bwrap.root_args`: the candidate runtime venv and its interpreter,
the shared libraries their ELF files load, ``/etc/ld.so.cache``, ``/dev``, a fresh
``/proc``, a size-capped ``/tmp``, the sandbox's in-jail helpers, and the extra
read-only files the caller names with their own library closure. The agent names:

* the shell tools an agent needs (:data:`SHELL_TOOLS`: ``bash``, coreutils, ``grep``,
  ``find``, ...), the ``C.UTF-8`` locale, and its programs (the CLI binary, ``ruff``),
  each file alone, never a whole system folder; the programs appear again as symlinks
  in ``AGENT_DIR/bin``;
* then, on top: the sample's workspace (read-write) at :data:`WORKSPACE`, a fresh empty
  HOME, the launcher (``_inside/relay.py``) and the folder holding the proxy's unix socket.

Nothing else of the host exists inside: not ``/usr`` or ``/etc`` as folders, not the
project tree (hidden tests, other tasks, run logs), not the harness's home or venv.
New PID, IPC, UTS, cgroup and network namespaces (only a loopback device: the model API
is reachable solely through the relay to the proxy socket); ``--clearenv`` leaves the
sandbox allow-list environment plus what the caller passes (a dummy API key).

Whose uid: not root, ``--unshare-all`` adds a user namespace mapping the harness's own
uid. As root there is no user namespace: the jail runs as a leased unprivileged host uid
(:class:`JailUser`, the grading sandbox's :class:`~evals.sandbox._uids.UidLease`), bwrap
keeps only ``CAP_SETUID``/``CAP_SETGID`` and the launcher drops to that uid with no
capability left.

Inside, before the agent starts, the launcher sets ``no_new_privs``, rlimits (file size,
open files, no core dumps) and installs the grading sandbox's seccomp filter
(``_pe_sys.install_seccomp``: no new namespaces, mounts, ptrace, bpf, ...), inherited by
everything the agent starts. Outside, :class:`JailWatch` bounds the whole process tree
(total memory and process count, the grading sandbox's ``TreeWatch``) and the size of
the workspace and HOME on disk; over a limit the jail is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import shutil
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from evals.errors import SandboxError
from evals.sandbox import Limits
from evals.sandbox._env import sandbox_env
from evals.sandbox._inside._pe_watch import TreeWatch, _children
from evals.sandbox._uids import UidLease
from evals.sandbox.bwrap import INSIDE_MOUNT, bwrap_problem, root_args
from evals.sandbox.runtime import Runtime

__all__ = [
    "AGENT_DIR",
    "AGENT_LIMITS",
    "BWRAP_ENV",
    "HOME",
    "PROXY_SOCKET",
    "JailUser",
    "SHELL_TOOLS",
    "WORKSPACE",
    "JailWatch",
    "ensure_jailable",
    "jail_argv",
    "jail_problem",
    "kill_jail",
    "spawn_jailed",
]

WORKSPACE = "/tmp/workspace"
HOME = "/tmp/home"
AGENT_DIR = "/tmp/.agent"
PROXY_SOCKET = f"{AGENT_DIR}/proxy/api.sock"
RELAY = Path(__file__).with_name("_inside") / "relay.py"
#: The whole environment bwrap itself starts with: bwrap stays PID 1 of the jail and
#: ``/proc/1/environ`` is readable there, so it must never inherit the harness's (keys).
BWRAP_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
#: Host programs an agent's shell may run (those present are bound, one file each).
SHELL_TOOLS = (
    "bash", "sh", "env", "ls", "cat", "head", "tail", "grep", "egrep", "sed", "awk", "find",
    "xargs", "sort", "uniq", "wc", "tr", "cut", "mkdir", "rmdir", "rm", "cp", "mv", "touch",
    "chmod", "ln", "pwd", "echo", "printf", "true", "false", "test", "[", "diff", "cmp",
    "which", "dirname", "basename", "sleep", "seq", "date", "tee", "realpath", "readlink",
    "stat", "du", "df", "id", "uname", "mktemp", "timeout", "nproc", "file", "tar", "gzip",
)  # fmt: skip
#: The locale the environment names (``C.UTF-8``): without it bash warns on every command.
_LOCALES = ("/usr/lib/locale/C.utf8", "/usr/lib/locale/C.UTF-8")
#: Limits of one agent sample: ``memory_mb`` / ``max_procs`` bound its whole process tree
#: (the CLI alone holds ~300 MB), ``tmpfs_mb`` the workspace and HOME together on disk,
#: ``file_size_mb`` / ``open_files`` each process (rlimits). Wall time is a cap (Caps).
AGENT_LIMITS = Limits(
    wall_seconds=1800.0, memory_mb=4096, max_procs=128, file_size_mb=64, open_files=4096,
    tmpfs_mb=512,
)  # fmt: skip


def jail_problem() -> str:
    """Why agents cannot be jailed here ("" when bwrap works)."""
    return bwrap_problem()


def ensure_jailable() -> None:
    """Raise :class:`SandboxError` with the fix when agents cannot be jailed here."""
    problem = jail_problem()
    if problem:
        raise SandboxError(f"agent mode needs bubblewrap: {problem}", field="sandbox")


def shell_tools() -> tuple[str, ...]:
    """The host files of :data:`SHELL_TOOLS` that exist (bound at their own path)."""
    found = [shutil.which(name, path=BWRAP_ENV["PATH"]) for name in SHELL_TOOLS]
    found += [p for p in _LOCALES if os.path.isdir(p)]
    return tuple(dict.fromkeys(p for p in found if p))


class JailUser:
    """The host uid a jail's processes run as (see "Whose uid" in the module docstring).

    As root: a leased unprivileged uid, held until :meth:`release` (or process exit);
    :meth:`own` hands the sample's folders to it. Not root: :attr:`uid` is None and
    :meth:`own` does nothing (the user namespace maps the harness's own uid).
    """

    def __init__(self) -> None:
        self._lease = UidLease() if os.geteuid() == 0 else None
        self.uid: int | None = self._lease.uid if self._lease is not None else None

    def own(self, *paths: Path) -> None:
        """``chown`` each path (folders recursively, symlinks never followed) to :attr:`uid`."""
        if self.uid is None:
            return
        for top in paths:
            os.lchown(top, self.uid, self.uid)
            if top.is_dir() and not top.is_symlink():
                for base, dirs, names in os.walk(top):
                    for name in (*dirs, *names):
                        os.lchown(os.path.join(base, name), self.uid, self.uid)

    def release(self) -> None:
        if self._lease is not None:
            self._lease.release()
            self._lease = None

    def __enter__(self) -> JailUser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __del__(self) -> None:
        self.release()


def namespace_args(uid: int | None) -> list[str]:
    """bwrap's namespace and capability flags for a jail running as ``uid`` (None: not root)."""
    if uid is None:
        return ["--unshare-all"]
    args = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
    args += ["--unshare-cgroup-try", "--cap-drop", "ALL"]
    return args + ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]


@functools.lru_cache(maxsize=8)
def _root(runtime: Runtime, binds: tuple[str, ...]) -> tuple[str, ...]:
    """:func:`root_args`, once per process: its ``ldd`` closure is ~70 ms of CPU a sample."""
    return tuple(root_args(runtime, binds))


def jail_argv(
    argv: Sequence[str],
    *,
    runtime: Runtime,
    workspace: Path,
    home: Path,
    socket_dir: Path | None,
    programs: Mapping[str, Path],
    env: Mapping[str, str],
    user: JailUser,
    limits: Limits = AGENT_LIMITS,
) -> list[str]:
    """The bwrap command running ``argv`` inside the jail (see the module docstring).

    Args:
        argv: the agent command, with programs named by their in-jail path
            (``f"{AGENT_DIR}/bin/<name>"``).
        runtime: the candidate runtime (its python runs the launcher and the agent's tests).
        workspace: host folder bound read-write at :data:`WORKSPACE`.
        home: host folder (empty) bound read-write at :data:`HOME`.
        socket_dir: host folder holding the proxy's ``api.sock``: ``argv`` starts behind
            the relay to it. None: no relay and no way out at all (the built-in loop's
            tool commands).
        programs: ``name -> host file``, bound read-only and linked as ``AGENT_DIR/bin/name``.
        env: extra environment (on top of the sandbox allow-list).
        user: whose uid the jail runs as (its folders must be :meth:`JailUser.own`-ed).
        limits: the per-process rlimits the launcher sets (``file_size_mb``, ``open_files``).

    Raises:
        SandboxError: bubblewrap is missing or cannot create namespaces.
    """
    ensure_jailable()
    exe = shutil.which("bwrap") or "bwrap"
    if user.uid is None and os.geteuid() == 0:
        raise SandboxError("refusing to jail as root without a leased uid", field="sandbox")
    args = [exe, "--die-with-parent", "--new-session", *namespace_args(user.uid)]
    binds = (*shell_tools(), *(str(p) for p in programs.values()))
    args += [*_root(runtime, binds), "--chmod", "1777", "/tmp"]
    args += ["--bind", str(workspace), WORKSPACE, "--bind", str(home), HOME]
    args += ["--dir", f"{AGENT_DIR}/bin", "--ro-bind", str(RELAY), f"{AGENT_DIR}/relay.py"]
    for name, host in programs.items():
        args += ["--symlink", str(host), f"{AGENT_DIR}/bin/{name}"]
    if socket_dir is not None:
        args += ["--bind", str(socket_dir), f"{AGENT_DIR}/proxy"]
    full_env = {**sandbox_env(runtime), "HOME": HOME, "TMPDIR": "/tmp", "SHELL": "/bin/bash"}
    full_env.update(env)
    full_env["PATH"] = f"{AGENT_DIR}/bin:{full_env['PATH']}"
    args += ["--clearenv"]
    for key, value in full_env.items():
        args += ["--setenv", key, value]
    args += ["--chdir", WORKSPACE, "--", str(runtime.python), "-I", "-B", f"{AGENT_DIR}/relay.py"]
    args += ["--helpers", INSIDE_MOUNT, "--file-size-mb", str(limits.file_size_mb)]
    args += ["--open-files", str(limits.open_files)]
    if user.uid is not None:
        args += ["--uid", str(user.uid)]
    if socket_dir is not None:
        args += ["--socket", PROXY_SOCKET]
    return [*args, "--", *argv]


def _disk_kb(folders: Sequence[Path]) -> int:
    total = 0
    for folder in folders:
        for base, dirs, names in os.walk(folder):
            for name in (*names, *dirs):
                with contextlib.suppress(OSError):
                    total += os.lstat(os.path.join(base, name)).st_blocks // 2
    return total


class JailWatch:
    """From outside the jail: its whole process tree and its disk use, against ``limits``.

    The jailed agent cannot see or signal this watch (it runs in the harness). Memory and
    process count come from the grading sandbox's :class:`TreeWatch` over every
    descendant of the bwrap process; disk is the workspace and HOME, summed in blocks.
    """

    def __init__(self, limits: Limits, folders: Sequence[Path], interval_s: float = 0.25) -> None:
        self.limits = limits
        self.folders = tuple(folders)
        self.interval_s = interval_s
        self.peak_mb = 0.0
        #: ``"memory"`` / ``"procs"`` / ``"disk"`` once a limit was hit, with a one-line note.
        self.hit: str | None = None
        self.note = ""

    async def run(self, proc: asyncio.subprocess.Process, on_hit: Callable[[str], None]) -> None:
        """Sample until ``proc`` exits; call ``on_hit(kind)`` (once) over a limit."""
        tree = TreeWatch(proc.pid, self.limits.memory_mb, self.limits.max_procs, "agent")
        tree.interval = 0.0  # this loop paces the samples
        started = time.perf_counter()
        disk_every, next_disk = 1.0, 0.0
        while proc.returncode is None and self.hit is None:
            elapsed = time.perf_counter() - started
            kind = tree.check(1.0 + elapsed)  # (TreeWatch skips its first 50 ms)
            self.peak_mb = tree.peak_mb
            if kind is not None:
                self.hit, self.note = kind, tree.note
            elif elapsed >= next_disk:
                next_disk = elapsed + disk_every
                used = _disk_kb(self.folders) // 1024
                if used > self.limits.tmpfs_mb:
                    self.hit = "disk"
                    limit = self.limits.tmpfs_mb
                    self.note = f"the workspace and HOME hold {used} MB (limit {limit} MB)"
            if self.hit is not None:
                on_hit(self.hit)
                return
            await asyncio.sleep(self.interval_s)


def kill_jail(proc: asyncio.subprocess.Process) -> None:
    """SIGKILL the jail: its PID namespace's init first (the kernel then kills everything
    in the namespace), then any straggler, then bwrap itself. Killing only the outer bwrap
    is not enough: during its setup the inner one may not yet die with its parent."""
    if proc.returncode is not None:
        return
    tree = TreeWatch(proc.pid, 0, AGENT_LIMITS.max_procs, "agent")
    for pid in (*_children(proc.pid), *tree.tree(), proc.pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


async def spawn_jailed(
    argv: Sequence[str], *, stdout: int, stderr: int
) -> asyncio.subprocess.Process:
    """Start a :func:`jail_argv` command; bwrap gets only :data:`BWRAP_ENV` (no secrets)."""
    return await asyncio.create_subprocess_exec(
        *argv, stdin=asyncio.subprocess.DEVNULL, stdout=stdout, stderr=stderr, env=BWRAP_ENV
    )
