"""The per-sample child processes of the worker (A: supervisor, B: the sample)."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import sys
import time
import traceback
from typing import Any, NoReturn

import _pe_sys as _sys
from _pe_bytecode import trust_read_only
from _pe_cgroup import SampleCgroup
from _pe_session import Prepared, finish, session_key

#: Where B's private workdir, hidden tests, home and temp live in the namespace modes.
WORK = "/tmp/work"
HIDDEN = "/tmp/hidden"
HOME = "/tmp/home"
#: Bytecode is looked up (and never written) under this prefix only: a path below a
#: character device, which no process can create, whatever its uid (the hidden-tests
#: folder of the process fallback is writable by a root sample). So no ``.pyc`` is ever
#: read from the workdir (``__pycache__``) or from anywhere the sample can write; see
#: ``_pe_bytecode`` for the read-only trees that keep their own.
PYCACHE = "/dev/null/.no-pycache"
#: Builtin pytest plugins no sample needs: they add command-line modes or reports we
#: never ask for, and no fixture a test could use (``cacheprovider``'s ``cache`` would
#: share state between samples; ``doctest``'s fixture serves doctests, never collected).
#: Each costs registration and fixture parsing in every sample. (``debugging`` stays:
#: the ``unittest`` plugin reads its options.)
UNUSED_PLUGINS = (
    "cacheprovider",
    "pastebin",
    "doctest",
    "stepwise",
    "setuponly",
    "setupplan",
    "faulthandler",
)


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
    out_w: int,
    err_w: int,
    rep_w: int,
    st_w: int,
    prepared: Prepared | None = None,
    cgroup: SampleCgroup | None = None,
) -> NoReturn:
    """Child A: new session and namespaces, fork B, report B's pid and wait status.

    ``prepared``: the worker's started pytest session for this request (``_pe_session``);
    ``cgroup``: the sample's cgroups, which B joins (A stays outside them).
    """
    try:
        os.setsid()
        if mode == "none":  # orphans of the sample are re-parented here, not to init
            _sys.prctl(_sys.PR_SET_CHILD_SUBREAPER, 1)
        else:
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
        _sample(request, mode, uid, (out_w, err_w, rep_w, st_w), prepared, cgroup)
    for fd in (out_w, err_w, rep_w):
        os.close(fd)
    os.write(st_w, f"pid {pid_b}\n".encode())
    status = 0
    while True:
        try:
            _, status = os.waitpid(pid_b, 0)
            break
        except ChildProcessError:
            break
        except InterruptedError:
            continue
    os.write(st_w, f"status {status}\n".encode())
    if mode == "none":
        _kill_orphans()
    os._exit(0)


def _kill_orphans() -> None:
    """Process fallback: kill what the sample left behind (re-parented to us, the subreaper)."""
    me = os.getpid()
    for _ in range(200):
        try:
            with open(f"/proc/{me}/task/{me}/children") as fh:
                children = [int(p) for p in fh.read().split()]
        except OSError:
            children = []
        for pid in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            return
        if not children:
            time.sleep(0.005)


def _write(path: str, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)


def _setup_namespace_fs(
    mode: str, uid: int, limits: dict[str, Any], cgroup: SampleCgroup | None
) -> None:
    size = int(limits["tmpfs_mb"])
    owner = f",uid={uid},gid={uid}" if mode == "privileged" else ""
    _sys.mount("none", "/", None, _sys.MS_REC | _sys.MS_PRIVATE, None)
    if cgroup is not None:  # private first: the unmount must not reach the worker
        cgroup.hide(strict=mode == "privileged")
    nosuid = _sys.MS_NOSUID | _sys.MS_NODEV
    # The worker's /tmp holds the runtime venv when the project lives under /tmp: hold it
    # by a file descriptor across the fresh /tmp, then bind it back read-only.
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
    for path in (WORK, HIDDEN):
        os.mkdir(path)
    # The workdir is its own mount point: it cannot be renamed away and replaced.
    _sys.mount("tmpfs", WORK, "tmpfs", nosuid, f"mode=1777,size={size}m{owner}")
    _sys.mount("tmpfs", HIDDEN, "tmpfs", nosuid, "mode=0755,size=16m")
    os.mkdir(HOME)
    os.mkdir("/tmp/tmp")
    os.chmod(HOME, 0o1777)
    os.chmod("/tmp/tmp", 0o1777)
    _sys.mount("tmpfs", "/dev/shm", "tmpfs", nosuid, "mode=1777,size=16m")
    _sys.mount("proc", "/proc", "proc", nosuid | _sys.MS_NOEXEC, None)


def _write_files(workdir: str, files: dict[str, Any], mode: int = 0o1777) -> None:
    import base64

    for rel, content in files.items():
        if rel.startswith("/") or ".." in rel.split("/"):
            raise ValueError(f"refusing path {rel!r}")
        path = os.path.join(workdir, rel)
        parent = os.path.dirname(path)
        if not os.path.isdir(parent):
            os.makedirs(parent, exist_ok=True)
            os.chmod(parent, mode)
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
    # No new namespaces, mounts, keyrings, bpf or ptrace for anything the sample starts.
    _sys.install_seccomp()


def _set_limits(limits: dict[str, Any], cgroup: bool) -> None:
    mb = 1024 * 1024
    cpu = int(limits["cpu_seconds"])
    # Under a cgroup, pids.max bounds the tree at max_procs: the rlimit stays one above,
    # so the cgroup (whose refusals the worker sees and reports) is what bites.
    nproc = int(limits["max_procs"]) + (1 if cgroup else 0)
    for which, value in (
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_AS, (int(limits["memory_mb"]) * mb,) * 2),
        (resource.RLIMIT_NPROC, (nproc,) * 2),
        (resource.RLIMIT_FSIZE, (int(limits["file_size_mb"]) * mb,) * 2),
        (resource.RLIMIT_NOFILE, (int(limits["open_files"]),) * 2),
        (resource.RLIMIT_CORE, (0, 0)),
        (resource.RLIMIT_MEMLOCK, (0, 0)),
        (resource.RLIMIT_MSGQUEUE, (0, 0)),
    ):
        resource.setrlimit(which, value)


def _sample(
    request: dict[str, Any],
    mode: str,
    uid: int,
    pipes: tuple[int, int, int, int],
    prepared: Prepared | None,
    cgroup: SampleCgroup | None,
) -> NoReturn:
    """Child B: build the private filesystem, drop privileges, run the sample.

    Until the sample's own code starts, B holds the status pipe (as fd 4): a setup
    failure is reported there as the sandbox's (an infrastructure error), and the pipe is
    closed before anything of the candidate's runs, so no candidate can claim one.
    """
    try:
        import fcntl

        keep = prepared.fds if prepared is not None else []
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 100) for fd in pipes]
        null = os.open(os.devnull, os.O_RDONLY)
        for target, fd in zip((0, 1, 2, 3, 4), (null, *high), strict=True):
            os.dup2(fd, target, inheritable=target <= 2)
        for low, high_end in zip([4, *keep], [*keep, 65536], strict=True):
            os.closerange(low + 1, high_end)
        os.setsid()
        env, ini = _prepare(request, mode, uid, cgroup)
    except BaseException:  # noqa: BLE001  (reported as the sandbox's failure)
        os.write(2, traceback.format_exc().encode())
        _fail(4, f"sandbox setup failed: {traceback.format_exc().splitlines()[-1]}")
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if request["kind"] == "exec":
        os.close(3)
        os.close(4)
        argv = [str(a) for a in request["argv"]]
        try:
            os.execve(argv[0], argv, env)
        except OSError as exc:
            os.write(2, f"cannot execute {argv[0]}: {exc}\n".encode())
            os._exit(127)
    os.close(4)
    _run_pytest(request, env, os.getcwd(), ini, prepared)


def _prepare(
    request: dict[str, Any], mode: str, uid: int, cgroup: SampleCgroup | None
) -> tuple[dict[str, str], str]:
    """Join the sample's cgroups, build B's filesystem, drop privileges and set limits;
    return (env, ini path)."""
    limits = request["limits"]
    if cgroup is not None:
        cgroup.join()
    if mode == "none":
        base = request["_base"]
        workdir, hidden, home, tmp = (
            os.path.join(base, p) for p in ("work", "hidden", "home", "tmp")
        )
        for path in (workdir, hidden, home, tmp):
            os.mkdir(path, 0o700)
    else:
        _setup_namespace_fs(mode, uid, limits, cgroup)
        workdir, hidden, home, tmp = WORK, HIDDEN, HOME, "/tmp/tmp"
    _write_files(workdir, request["files"])
    _write_files(hidden, request.get("hidden", {}), 0o755)
    # An empty config beside the hidden tests, outside the (candidate-writable) workdir.
    ini = os.path.join(hidden, ".evals-pytest.ini")
    _write(ini, "[pytest]\n")
    if mode != "none":
        _sys.mount("none", HIDDEN, None, _sys.MS_REMOUNT | _sys.MS_RDONLY | _sys.MS_NOSUID, None)
    else:
        for root, dirs, names in os.walk(hidden):
            for name in names:
                os.chmod(os.path.join(root, name), 0o444)
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o555)
        os.chmod(hidden, 0o555)
    _drop_privileges(mode, uid)
    os.chdir(workdir)
    env = sample_env(request, home, tmp, workdir)
    _set_limits(limits, cgroup is not None)
    return env, ini


def sample_env(request: dict[str, Any], home: str, tmp: str, workdir: str) -> dict[str, str]:
    """The whole environment of a sample (the worker builds the same for ``prepared``)."""
    env = {str(k): str(v) for k, v in request["env"].items()}
    env.update({"HOME": home, "TMPDIR": tmp, "PWD": workdir})
    if request["kind"] == "pytest":
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return env


def has_hidden(request: dict[str, Any]) -> bool:
    """Whether the request serves hidden tests (the worker sees only the header's flag)."""
    return bool(request.get("hidden") or request.get("has_hidden"))


def pytest_args(request: dict[str, Any], base: str, ini: str) -> list[str]:
    """pytest's arguments for a request, without the targets (the same in every sample)."""
    hidden = has_hidden(request)
    args = [
        "-q",
        "-s",
        *(arg for plugin in UNUSED_PLUGINS for arg in ("-p", f"no:{plugin}")),
        # Hidden tests: their folder goes first on sys.path, so no workdir module can
        # shadow them; the candidate's own tests: theirs goes last, so stdlib wins.
        "--import-mode=prepend" if hidden else "--import-mode=append",
        "--rootdir",
        base,
        "-c",
        ini,
        "-o",
        "console_output_style=classic",
        # Only the crash line of a failure is reported: "line" skips reading and
        # formatting the source of every traceback entry (the must-fail canaries fail
        # in every sample; "short" cost ~20 ms per failure).
        "--tb=line",
    ]
    if hidden:
        args.append("--noconftest")
    for plugin in request.get("plugins", []):
        args += ["-p", str(plugin)]
    return args


def _run_pytest(
    request: dict[str, Any], env: dict[str, str], workdir: str, ini: str, prepared: Prepared | None
) -> NoReturn:
    os.environ.clear()
    os.environ.update(env)
    sys.dont_write_bytecode = True
    sys.pycache_prefix = PYCACHE
    # ...except for modules on a read-only mount (the runtime venv, the stdlib in bwrap).
    trust_read_only(sys.prefix, sys.base_prefix)
    here = os.path.dirname(os.path.abspath(__file__))
    # The workdir goes last: candidate modules import by top-level name, stdlib wins.
    sys.path[:] = [p for p in sys.path if p != here] + [workdir]
    import tempfile as _tempfile

    _tempfile.tempdir = None
    import _pe_reporter as reporter
    import pytest

    base = os.path.dirname(ini) if has_hidden(request) else workdir
    args = pytest_args(request, base, ini)
    targets = [os.path.join(base, str(a)) for a in request["argv"]]
    try:
        if prepared is not None and prepared.key == session_key(args, env):
            code = finish(prepared, reporter.Reporter(3), targets)
        else:
            code = pytest.main([*args, *targets], plugins=[reporter.Reporter(3)])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code))
