"""The bubblewrap jail an agent runs in: an allow-list of mounts, no network, no secrets.

Unlike a grading sandbox (one command, seconds), an agent is a long-running process that
talks to a model, so it gets its own bwrap per sample, built here:

* mounts: only the system folders (``/usr``, ``/etc``, ``/bin``, ``/lib*``, ``/sbin``),
  the candidate runtime venv and its base interpreter, read-only; the sample's workspace
  (read-write) at :data:`WORKSPACE`; a fresh, empty HOME; the agent's program files
  (the CLI binary, ``ruff``, the relay) read-only under :data:`AGENT_DIR`; and the
  folder holding the proxy's unix socket. Nothing else of the host exists inside: not
  the project tree (hidden tests, other tasks), not the harness's home or venv.
* ``--unshare-all``: new user, PID, IPC, UTS, cgroup and network namespaces. The network
  namespace has only a loopback device, so the model API is reachable solely through
  the relay to the proxy socket.
* ``--clearenv``: the environment is :func:`evals.sandbox._env.sandbox_env` plus what
  the caller passes (a dummy API key); the real key never enters.
* as root, the agent runs as uid/gid 1000 inside its user namespace.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from evals.errors import SandboxError
from evals.sandbox._env import sandbox_env
from evals.sandbox.bwrap import bwrap_problem
from evals.sandbox.runtime import Runtime

__all__ = ["AGENT_DIR", "HOME", "PROXY_SOCKET", "WORKSPACE", "jail_argv", "jail_problem"]

WORKSPACE = "/tmp/workspace"
HOME = "/tmp/home"
AGENT_DIR = "/tmp/.agent"
PROXY_SOCKET = f"{AGENT_DIR}/proxy/api.sock"
RELAY = Path(__file__).with_name("_inside") / "relay.py"
_SYSTEM = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


def jail_problem() -> str:
    """Why agents cannot be jailed here ("" when bwrap works)."""
    return bwrap_problem()


def _system_mounts() -> list[str]:
    args: list[str] = []
    for path in _SYSTEM:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    return args


def _runtime_mounts(runtime: Runtime) -> list[str]:
    args: list[str] = []
    for keep in dict.fromkeys((runtime.base_prefix.resolve(), runtime.venv.resolve())):
        if any(keep.is_relative_to(p) for p in ("/usr", "/bin", "/lib")):
            continue
        args += ["--ro-bind", str(keep), str(keep)]
    if runtime.venv != runtime.venv.resolve():
        args += ["--ro-bind", str(runtime.venv.resolve()), str(runtime.venv)]
    return args


def jail_argv(
    argv: Sequence[str],
    *,
    runtime: Runtime,
    workspace: Path,
    home: Path,
    socket_dir: Path,
    programs: Mapping[str, Path],
    env: Mapping[str, str],
    relay: bool = True,
) -> list[str]:
    """The bwrap command running ``argv`` (relayed to the proxy) inside the jail.

    Args:
        argv: the agent command, with programs named by their in-jail path
            (``f"{AGENT_DIR}/bin/<name>"``).
        runtime: the candidate runtime (its python runs the relay and the agent's tests).
        workspace: host folder bound read-write at :data:`WORKSPACE`.
        home: host folder (empty) bound read-write at :data:`HOME`.
        socket_dir: host folder holding the proxy's ``api.sock`` (unused without relay).
        programs: ``name -> host file`` bound read-only at ``AGENT_DIR/bin/name``.
        env: extra environment (on top of the sandbox allow-list).
        relay: start ``argv`` behind the relay to the proxy; False runs it directly with
            no way out at all (the built-in loop's tool commands).

    Raises:
        SandboxError: bubblewrap is missing or cannot create namespaces.
    """
    problem = jail_problem()
    if problem:
        raise SandboxError(problem, field="sandbox")
    exe = shutil.which("bwrap") or "bwrap"
    args = [exe, "--die-with-parent", "--new-session", "--unshare-all"]
    if os.geteuid() == 0:
        args += ["--uid", "1000", "--gid", "1000"]
    args += _system_mounts()
    args += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    args += _runtime_mounts(runtime)
    args += ["--bind", str(workspace), WORKSPACE, "--bind", str(home), HOME]
    args += ["--dir", f"{AGENT_DIR}/bin", "--ro-bind", str(RELAY), f"{AGENT_DIR}/relay.py"]
    for name, host in programs.items():
        args += ["--ro-bind", str(host), f"{AGENT_DIR}/bin/{name}"]
    if relay:
        args += ["--bind", str(socket_dir), f"{AGENT_DIR}/proxy"]
    full_env = {**sandbox_env(runtime), "HOME": HOME, "TMPDIR": "/tmp", **env}
    full_env["PATH"] = f"{AGENT_DIR}/bin:{full_env['PATH']}"
    args += ["--clearenv"]
    for key, value in full_env.items():
        args += ["--setenv", key, value]
    if not relay:
        return [*args, "--chdir", WORKSPACE, "--", *argv]
    args += ["--chdir", WORKSPACE, "--", str(runtime.python), "-I", f"{AGENT_DIR}/relay.py"]
    return [*args, PROXY_SOCKET, "--", *argv]


def ensure_jailable() -> None:
    """Raise :class:`SandboxError` with the fix when agents cannot be jailed here."""
    problem = jail_problem()
    if problem:
        raise SandboxError(f"agent mode needs bubblewrap: {problem}", field="sandbox")
