"""A warm sandbox worker: pytest already imported, one forked child per sample.

Runs under the runtime venv's python, inside one bwrap per worker (or bare, for the
``process`` fallback). It reads length-prefixed JSON requests on stdin and answers on
stdout. For each request it forks *A*, which starts a new session and (namespace modes)
unshares mount, PID, IPC and UTS namespaces (plus a user namespace when unprivileged),
then forks *B*: PID 1 of the fresh PID namespace. B mounts a fresh tmpfs workdir, /tmp,
/dev/shm, /proc and a hidden-tests folder (read-only once written), drops privileges (a
per-worker uid, or all capabilities), installs a seccomp filter, sets rlimits and either
execs the command or runs ``pytest.main`` in-process. While it runs, the worker reads the
counters of B's own cgroup (joined before privileges are dropped; ``_pe_cgroup``) or else
watches its whole process tree (memory, process count), and its wall limit, which does
not count time the tree was runnable but kept off the CPU by other work (``_pe_clock``). When B
exits, the kernel kills every process left in its PID namespace, and its mount
namespace (and files) disappear: no state survives into the next sample. The report
channel is passed back raw; the harness checks it (``evals/sandbox/_report.py``).

Usage: ``worker.py --mode {privileged,userns,none} [--uid N] [--workbase DIR]
[--cgroup NAME=DIR ...]`` (the worker's cgroup folder in each hierarchy, for its samples).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import select
import shutil
import signal
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import _pe_sys as _sys  # noqa: E402  (the sibling module, found through HERE)
from _pe_cgroup import SampleCgroup  # noqa: E402
from _pe_channel import (  # noqa: E402
    Buffers,
    Capture,
    payload_of,
    pid_of,
    read_message,
    status_of,
    write_message,
    write_result,
)
from _pe_child import (  # noqa: E402
    HIDDEN,
    HOME,
    WORK,
    has_hidden,
    pytest_args,
    run_child,
    sample_env,
)
from _pe_clock import StarvedClock  # noqa: E402
from _pe_session import Cache, Prepared  # noqa: E402
from _pe_watch import TreeWatch  # noqa: E402


def _kill(pid_b: int | None, pid_a: int) -> None:
    for pid in (pid_b, pid_a):
        if pid:
            for kill in (os.killpg, os.kill):
                with contextlib.suppress(OSError):
                    kill(pid, signal.SIGKILL)


#: The report channel is the candidate's to write: cap what the worker keeps of it.
REPORT_CAP = 4 * 1024 * 1024


def handle(
    request: dict[str, Any],
    mode: str,
    uid: int,
    workbase: str,
    prepared: Prepared | None = None,
    prep_cpu_s: float = 0.0,
    cgroup: SampleCgroup | None = None,
    buffers: Buffers | None = None,
) -> dict[str, Any]:
    """Run one request in a fresh child and return the result record.

    ``prepared``: a started pytest session the sample may continue (``_pe_session``);
    ``prep_cpu_s``: the worker's own CPU spent on this request before the fork (preload,
    prepare), counted in the record's ``cpu_s``; ``cgroup``: the sample's cgroups
    (prepared, limits not yet written), which then bound its tree instead of the watch.
    ``buffers`` hold the request's files (``request`` then has only its header) and
    receive the sample's output: the record then names the sections :func:`write_result`
    sends raw from them.
    """
    buffers = buffers or Buffers()
    limits = request["limits"]
    if cgroup is not None:
        cgroup.set_limits(limits)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    rep_r, rep_w = os.pipe()
    st_r, st_w = os.pipe()
    if mode == "none":  # not isolated anyway: the worker reads the files it checks after
        request.update(payload_of(buffers))
        request["_base"] = tempfile.mkdtemp(prefix="evals-sample-", dir=workbase)
    started = time.monotonic()
    pid_a = os.fork()
    if pid_a == 0:  # child A: never returns
        for fd in (out_r, err_r, rep_r, st_r, _PROTO_IN, _PROTO_OUT):
            os.close(fd)
        request.update(payload_of(buffers))
        buffers.payload.wipe()
        run_child(request, mode, uid, out_w, err_w, rep_w, st_w, prepared, cgroup)
    buffers.payload.wipe()  # the next sample forks from a worker without these files
    for fd in (out_w, err_w, rep_w, st_w):
        os.close(fd)
    cap = int(limits["output_bytes"])
    out, err = Capture(out_r, cap, buffers.stdout), Capture(err_r, cap, buffers.stderr)
    rep = Capture(rep_r, REPORT_CAP, buffers.report)
    status_buf = Capture(st_r, 4096, buffers.status)
    clock = StarvedClock(
        started, float(limits["wall_seconds"]), float(limits.get("max_wall_factor", 1.0))
    )
    watch = TreeWatch(pid_a, int(limits["memory_mb"]), int(limits["max_procs"]), mode)
    killed: str | None = None
    pid_b: int | None = None
    streams = [out, err, rep, status_buf]
    while any(s.open for s in streams):
        now = time.monotonic()
        if clock.due(now):
            clock.tick(watch.tree(), now)
        remaining = clock.remaining(now)
        if remaining <= 0:
            killed = "timeout"
            break
        ready, _, _ = select.select(
            [s.fd for s in streams if s.open], [], [], min(remaining, watch.interval)
        )
        for stream in streams:
            if stream.open and stream.fd in ready:
                stream.pump()
        if pid_b is None and status_buf.data.find(b"\n", 4096):
            pid_b = pid_of(status_buf.data)
        if out.truncated or err.truncated:
            killed = "output"
            break
        if pid_b is not None and status_buf.open:
            elapsed = time.monotonic() - started
            if cgroup is None:
                killed = watch.check(elapsed)
            elif watch.due(elapsed):
                killed = cgroup.check()
            if killed is not None:
                break
    if killed is not None:
        if pid_b is None and status_buf.data.find(b"\n", 4096):
            pid_b = pid_of(status_buf.data)
        _kill(pid_b, pid_a)
    usage = os.wait4(pid_a, 0)[2]  # A's and B's CPU (A reaps B): load-independent cost
    if cgroup is not None:
        # A reaped B, PID 1 of the sample's namespace: the kernel has killed the rest.
        # An OOM kill or refused fork anywhere in the tree fails the sample, however it
        # exited (a parent may ignore its killed child).
        enforced = cgroup.check()
        if enforced is not None and killed in (None, "signal", "memory", "procs"):
            killed = enforced
    for stream in streams:
        if stream.open:
            os.close(stream.fd)
    duration = time.monotonic() - started
    modified = []
    if mode == "none":
        modified = _changed(request, os.path.join(request["_base"], "hidden"))
        shutil.rmtree(request["_base"], ignore_errors=True)
    with status_buf.data.view() as view:
        exit_code, sig, note = status_of(bytes(view))
    if killed is None and sig is not None:
        killed = {int(signal.SIGXCPU): "timeout", int(signal.SIGXFSZ): "output"}.get(sig, "signal")
    if killed is None and exit_code not in (0, None) and err.data.find(b"MemoryError", 4096):
        killed = "memory"
    if killed in ("memory", "procs"):
        why = cgroup.note if cgroup is not None and cgroup.note else watch.note
        note = (note + "; " if note else "") + why
    return {
        "exit_code": exit_code if killed is None or sig is None else None,
        "signal": sig,
        "killed": killed,
        "note": note,
        "raw": [[name, buf.used] for name, buf in buffers.outputs()],
        "stdout_truncated": out.truncated,
        "stderr_truncated": err.truncated,
        "duration_s": duration,
        "starved_s": round(clock.starved_s, 3),
        "cpu_s": usage.ru_utime + usage.ru_stime + prep_cpu_s,
        "peak_mb": cgroup.peak_mb if cgroup is not None else watch.peak_mb,
        "report_truncated": rep.truncated,
        "modified": modified,
    }


def _changed(request: dict[str, Any], hidden: str) -> list[str]:
    """Hidden files whose content differs from what was written (process fallback).

    In the namespace modes they sit on a read-only mount and cannot change.
    """
    changed = []
    for rel, content in request.get("hidden", {}).items():
        expected = content.encode() if isinstance(content, str) else None
        try:
            with open(os.path.join(hidden, rel), "rb") as fh:
                actual = fh.read()
        except OSError:
            actual = None
        if expected is not None and actual != expected:
            changed.append(rel)
    return changed


def _probe(mode: str, uid: int, workbase: str, cgroup: SampleCgroup | None) -> str:
    """Run a trivial sample; return "" when isolation works, else why not."""
    files = {"probe.txt": "ok"}
    request = {
        "kind": "exec",
        "argv": [sys.executable, "-c", "print(open('probe.txt').read())"],
        "files": files,
        "env": {"PATH": "/usr/bin:/bin"},
        "limits": {
            "wall_seconds": 20,
            "cpu_seconds": 10,
            "memory_mb": 512,
            "max_procs": 16,
            "file_size_mb": 1,
            "open_files": 64,
            "output_bytes": 10000,
            "tmpfs_mb": 8,
        },
    }
    buffers = Buffers()
    result = handle(request, mode, uid, workbase, cgroup=cgroup, buffers=buffers)
    out, err = (
        bytes(b.view()).decode("utf-8", "replace") for b in (buffers.stdout, buffers.stderr)
    )
    if result["exit_code"] == 0 and out.strip() == "ok":
        return ""
    detail = (result["note"] or err.strip().splitlines()[-1:] or ["?"])[0]
    return f"probe failed ({result['killed'] or result['exit_code']}): {detail}"[:300]


def _preload() -> None:
    """Import everything pytest.main() would import per sample, once, before forking."""
    import gc
    import importlib

    from _pytest.config import builtin_plugins

    for name in sorted(builtin_plugins - {"pytester", "pytester_assertions"}):
        with contextlib.suppress(ImportError):
            importlib.import_module(name if name.startswith("_pytest") else f"_pytest.{name}")
    for name in (
        "_pytest.python",
        "_pytest.runner",
        "_pytest.main",
        "_pytest.assertion.rewrite",
        "_pytest._argcomplete",
        # Imported in every session (the debugging plugin, the assertion rewriter).
        "pdb",
        "readline",
        "encodings.unicode_escape",
    ):
        importlib.import_module(name)
    gc.collect()
    gc.freeze()  # long-lived objects: skipped by every later collection, shared copy-on-write


#: What a request may name in ``preload``: dotted module names, nothing else.
_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
_PRELOAD_MAX = 64


def preload_modules(names: list[Any]) -> None:
    """Import the harness-named modules before forking, so no sample pays for them.

    The names come from the harness (a task's plugins, runtime deps and the imports of
    its hidden tests), never from candidate files, and they are imported here, where no
    workdir is on ``sys.path``: only the runtime venv and the standard library can
    provide them, exactly what the sample itself would import under those names. A
    sample inherits them copy-on-write: what it changes in them dies with it.
    """
    import gc
    import importlib

    fresh = False
    for name in names[:_PRELOAD_MAX]:
        if not isinstance(name, str) or not _MODULE_NAME.match(name) or name in sys.modules:
            continue
        with contextlib.suppress(Exception):  # the sample reports a missing module itself
            importlib.import_module(name)
            fresh = True
    if fresh:
        gc.collect()
        gc.freeze()


def prepared_for(request: dict[str, Any], mode: str, cache: Cache) -> Prepared | None:
    """The started pytest session a pytest request can continue (namespace modes).

    Hidden-test runs (``--noconftest``), and runs of the candidate's own tests that ship
    no ``conftest.py`` anywhere: conftest loading is on for those, and configuring caches
    the initial folders' conftest files, which the worker cannot see (see
    ``_pe_session``); with none in the request there is nothing it could miss. Those
    only while the worker holds no hidden-test session (they never evict one).
    The sample's paths are fixed there (:data:`WORK`, :data:`HIDDEN`); the worker makes
    the same paths in its own private ``/tmp`` (the sample mounts a fresh one over it)
    with the same empty ini file, so pytest configures against what the sample will see.
    """
    if request.get("kind") != "pytest" or mode == "none":
        return None
    if request.get("plugins"):  # their hooks would run in the worker (``_pe_session``)
        return None
    hidden = has_hidden(request)
    # The worker has the header only: the file names come in ``file_names``.
    names = request.get("file_names") or list(request.get("files") or {})
    if not hidden and any(str(path).rsplit("/", 1)[-1] == "conftest.py" for path in names):
        return None
    ini = os.path.join(HIDDEN, ".evals-pytest.ini")
    if not os.path.exists(ini):
        os.makedirs(WORK, exist_ok=True)
        os.makedirs(HIDDEN, exist_ok=True)
        with open(ini, "w") as fh:
            fh.write("[pytest]\n")
    env = sample_env(request, HOME, "/tmp/tmp", WORK)
    # Hidden-test runs come first: an own-tests run never evicts their session.
    base = HIDDEN if hidden else WORK
    return cache.get(pytest_args(request, base, ini), env, WORK, evict=hidden)


def main() -> None:
    global _PROTO_IN, _PROTO_OUT
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("privileged", "userns", "none"), required=True)
    parser.add_argument("--uid", type=int, default=-1)
    parser.add_argument("--workbase", default="/tmp")
    parser.add_argument("--cgroup", action="append", default=[], help="NAME=DIR, per hierarchy")
    args = parser.parse_args()
    cgroup = SampleCgroup.from_args(args.cgroup)
    sys.dont_write_bytecode = True
    _PROTO_IN, _PROTO_OUT = os.dup(0), os.dup(1)
    for fd in (_PROTO_IN, _PROTO_OUT):
        os.set_inheritable(fd, False)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    import _pe_reporter  # noqa: F401
    import pytest  # noqa: F401  (warm: imported once, inherited by every fork)

    _preload()
    if args.mode == "privileged":
        _sys.prctl(_sys.PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        if cgroup is not None:
            cgroup.prepare()
        problem = _probe(args.mode, args.uid, args.workbase, cgroup)
        if cgroup is not None and not problem:
            cgroup.finish()
            cgroup.prepare()
    except OSError as exc:  # the harness then starts its workers without cgroups
        problem = f"cannot use the sample cgroups: {exc}"
    write_message(_PROTO_OUT, {"ready": not problem, "problem": problem, "pid": os.getpid()})
    if problem:
        return
    sessions = Cache()
    buffers = Buffers()
    while True:
        request = read_message(_PROTO_IN)
        if request is None or not buffers.payload.fill(_PROTO_IN, int(request.pop("payload", 0))):
            return
        cpu = time.process_time()
        preload = request.get("preload", [])
        preload_modules(preload if isinstance(preload, list) else [])
        prepared = prepared_for(request, args.mode, sessions)
        cpu = time.process_time() - cpu
        result = handle(request, args.mode, args.uid, args.workbase, prepared, cpu, cgroup, buffers)
        write_result(_PROTO_OUT, result, buffers)
        if cgroup is not None:  # answered first: the next sample's cgroup costs it nothing
            cgroup.finish()
            cgroup.prepare()


_PROTO_IN = _PROTO_OUT = -1

if __name__ == "__main__":
    main()
