"""The per-sample child processes of the worker (A: supervisor, B: the sample)."""

from __future__ import annotations

import os
import resource
import signal
import sys
import traceback
from typing import Any, NoReturn

import _pe_sys as _sys

#: Where B's private workdir, home and temp live in the namespace modes.
WORK = "/tmp/work"
HOME = "/tmp/home"


def _fail(st_w: int, what: str) -> NoReturn:
    line = " ".join(f"{what}".split())[:500]
    try:
        os.write(st_w, f"error {line}\n".encode())
    finally:
        os._exit(70)


def run_child(
    request: dict[str, Any],
    mode: str,
    uid: int,
    workbase: str,
    key: bytes,
    out_w: int,
    err_w: int,
    rep_w: int,
    st_w: int,
    keep: set[int],
) -> NoReturn:
    """Child A: new session and namespaces, fork B, report B's pid and wait status."""
    try:
        os.setsid()
        if mode != "none":
            flags = _sys.CLONE_NEWNS | _sys.CLONE_NEWPID | _sys.CLONE_NEWIPC | _sys.CLONE_NEWUTS
            outer_uid, outer_gid = os.getuid(), os.getgid()
            if mode == "userns":
                flags |= _sys.CLONE_NEWUSER
            _sys.unshare(flags)
            if mode == "userns":
                _write("/proc/self/setgroups", "deny")
                _write("/proc/self/uid_map", f"0 {outer_uid} 1")
                _write("/proc/self/gid_map", f"0 {outer_gid} 1")
        pid_b = os.fork()
    except BaseException as exc:  # noqa: BLE001  (reported to the worker, then exit)
        _fail(st_w, f"sandbox setup failed: {exc}")
    if pid_b == 0:
        try:
            _sample(request, mode, uid, workbase, key, out_w, err_w, rep_w, st_w, keep)
        except BaseException:  # noqa: BLE001
            os.write(2, traceback.format_exc().encode())
            os._exit(71)
    for fd in (out_w, err_w, rep_w):
        os.close(fd)
    os.write(st_w, f"pid {pid_b}\n".encode())
    while True:
        try:
            _, status = os.waitpid(pid_b, 0)
            break
        except ChildProcessError:
            status = 0
            break
        except InterruptedError:
            continue
    os.write(st_w, f"status {status}\n".encode())
    os._exit(0)


def _write(path: str, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)


def _setup_namespace_fs(mode: str, uid: int, limits: dict[str, Any]) -> None:
    size = max(64, int(limits["file_size_mb"]) * 4)
    owner = f",uid={uid},gid={uid}" if mode == "privileged" else ""
    _sys.mount("none", "/", None, _sys.MS_REC | _sys.MS_PRIVATE, None)
    nosuid = _sys.MS_NOSUID | _sys.MS_NODEV
    # A project checked out under /tmp keeps its runtime venv there: hold it by a file
    # descriptor across the fresh /tmp, then bind it back read-only at the same path.
    kept = [
        (path, os.open(path, os.O_PATH | os.O_DIRECTORY))
        for path in dict.fromkeys(os.path.realpath(p) for p in (sys.prefix, sys.base_prefix))
        if path.startswith("/tmp/")
    ]
    _sys.mount("tmpfs", "/tmp", "tmpfs", nosuid, f"mode=0755,size={size}m")
    for path, fd in kept:
        os.makedirs(path, mode=0o755, exist_ok=True)
        _sys.mount(f"/proc/self/fd/{fd}", path, None, _sys.MS_BIND | _sys.MS_REC, None)
        _sys.mount(
            "none", path, None, _sys.MS_REMOUNT | _sys.MS_BIND | _sys.MS_RDONLY | nosuid, None
        )
        os.close(fd)
    os.mkdir(WORK)
    # The workdir is its own mount point: it cannot be renamed away and replaced.
    _sys.mount("tmpfs", WORK, "tmpfs", nosuid, f"mode=1777,size={size}m{owner}")
    os.mkdir(HOME)
    os.mkdir("/tmp/tmp")
    os.chmod(HOME, 0o1777)
    os.chmod("/tmp/tmp", 0o1777)
    _sys.mount("tmpfs", "/dev/shm", "tmpfs", nosuid, "mode=1777,size=16m")
    _sys.mount("proc", "/proc", "proc", nosuid | _sys.MS_NOEXEC, None)


def _write_files(workdir: str, files: dict[str, Any]) -> None:
    import base64

    for rel, content in files.items():
        if rel.startswith("/") or ".." in rel.split("/"):
            raise ValueError(f"refusing path {rel!r}")
        path = os.path.join(workdir, rel)
        parent = os.path.dirname(path)
        if not os.path.isdir(parent):
            os.makedirs(parent, exist_ok=True)
            os.chmod(parent, 0o1777)
        data = base64.b64decode(content["b64"]) if isinstance(content, dict) else content.encode()
        with open(path, "wb") as fh:
            fh.write(data)


def _drop_privileges(mode: str, uid: int) -> None:
    _sys.prctl(_sys.PR_SET_NO_NEW_PRIVS, 1)
    if mode == "privileged":
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    elif mode == "userns":
        _sys.drop_capabilities()
    # After the credential change (which clears it): if the supervisor A dies, so does B,
    # and with B (PID 1 of its namespace) every process the sample started.
    _sys.prctl(_sys.PR_SET_PDEATHSIG, signal.SIGKILL)


def _set_limits(limits: dict[str, Any]) -> None:
    mb = 1024 * 1024
    cpu = int(limits["cpu_seconds"])
    for which, value in (
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_AS, (int(limits["memory_mb"]) * mb,) * 2),
        (resource.RLIMIT_NPROC, (int(limits["max_procs"]),) * 2),
        (resource.RLIMIT_FSIZE, (int(limits["file_size_mb"]) * mb,) * 2),
        (resource.RLIMIT_NOFILE, (int(limits["open_files"]),) * 2),
        (resource.RLIMIT_CORE, (0, 0)),
    ):
        resource.setrlimit(which, value)


def _hide_report_fd(rep_w: int) -> int:
    """Move the report pipe to a random high descriptor, close-on-exec."""
    import random

    limit = 1000
    for _ in range(64):
        target = random.SystemRandom().randrange(100, limit)
        try:
            os.fstat(target)
        except OSError:
            os.dup2(rep_w, target, inheritable=False)
            os.close(rep_w)
            return target
    return rep_w


def _sample(
    request: dict[str, Any],
    mode: str,
    uid: int,
    workbase: str,
    key: bytes,
    out_w: int,
    err_w: int,
    rep_w: int,
    st_w: int,
    keep: set[int],
) -> NoReturn:
    """Child B: build the private filesystem, drop privileges, run the sample."""
    limits = request["limits"]
    os.close(st_w)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    for fd in {null, out_w, err_w}:
        os.close(fd)
    os.closerange(3, rep_w)
    os.closerange(rep_w + 1, 65536)
    os.setsid()
    if mode == "none":
        base = request["_base"]
        workdir, home, tmp = (os.path.join(base, p) for p in ("work", "home", "tmp"))
        for path in (workdir, home, tmp):
            os.mkdir(path, 0o700)
    else:
        _setup_namespace_fs(mode, uid, limits)
        workdir, home, tmp = WORK, HOME, "/tmp/tmp"
    _write_files(workdir, request["files"])
    # An empty config outside the (candidate-writable) workdir: no ini file is searched for.
    ini = os.path.join(os.path.dirname(workdir), "evals-pytest.ini")
    _write(ini, "[pytest]\n")
    if mode != "none":
        for rel in request.get("protect", []):
            _sys.bind_readonly(os.path.join(workdir, rel))
    else:
        for rel in request.get("protect", []):
            os.chmod(os.path.join(workdir, rel), 0o444)
    _drop_privileges(mode, uid)
    os.chdir(workdir)
    env = {str(k): str(v) for k, v in request["env"].items()}
    env.update({"HOME": home, "TMPDIR": tmp, "PWD": workdir})
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if request["kind"] == "exec":
        os.close(rep_w)
        _set_limits(limits)
        argv = [str(a) for a in request["argv"]]
        try:
            os.execve(argv[0], argv, env)
        except OSError as exc:
            os.write(2, f"cannot execute {argv[0]}: {exc}\n".encode())
            os._exit(127)
    report_fd = _hide_report_fd(rep_w)  # before the descriptor limit applies
    _set_limits(limits)
    _run_pytest(request, env, workdir, ini, key, report_fd)


def _run_pytest(
    request: dict[str, Any], env: dict[str, str], workdir: str, ini: str, key: bytes, fd: int
) -> NoReturn:
    os.environ.clear()
    os.environ.update(env)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    here = os.path.dirname(os.path.abspath(__file__))
    # The workdir goes last: candidate modules import by top-level name, stdlib wins.
    sys.path[:] = [p for p in sys.path if p != here] + [workdir]
    import tempfile as _tempfile

    _tempfile.tempdir = None
    import _pe_reporter as reporter
    import pytest

    args = [
        "-q",
        "-s",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:pastebin",
        "--import-mode=append",
        "--rootdir",
        workdir,
        "-c",
        ini,
        "-o",
        "console_output_style=classic",
        "--tb=short",
    ]
    for plugin in request.get("plugins", []):
        args += ["-p", str(plugin)]
    args += [str(a) for a in request["argv"]]
    try:
        code = pytest.main(args, plugins=[reporter.Reporter(fd, key)])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code))
