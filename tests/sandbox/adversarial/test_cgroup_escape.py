"""The whole sample tree is bounded, and the candidate cannot reach the bound.

The answers here are the gold ones: only the limit can make them fail. On the cgroup
backends the kernel enforces it (``evals/sandbox/_cgroup.py``); on the ``watch`` backend
the worker's watch does, so the tree attacks run on either, and the cgroup-only checks
skip, saying why, where this machine's probe picked no cgroup.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable

import pytest
from _redteam import GOLD, Grader, attack

from evals.sandbox import Limits, PooledSandbox
from evals.sandbox._cgroup import backend

BWRAP_ONLY = pytest.mark.parametrize(
    "sandbox", [pytest.param("bwrap", marks=pytest.mark.sandbox)], indirect=True
)

#: Three children holding 700 MB each (each well under the 1 GB per-process limit) while
#: the tests, which would all pass, run on.
HOGS = """
_os = _m('o~s')
_time = _m('ti~me')
_kids = []
for _ in range(3):
    _pid = _os.fork()
    if _pid == 0:
        _hog = bytearray(700 * 1024 * 1024)
        for _i in range(0, len(_hog), 4096):
            _hog[_i] = 1
        _time.sleep(4)
        _os._exit(0)
    _kids.append(_pid)
_time.sleep(3)
"""

#: The same, as a plain script (no obfuscation helpers).
PLAIN_HOGS = HOGS.replace("_m('o~s')", "__import__('os')").replace(
    "_m('ti~me')", "__import__('time')"
)


def _needs_cgroup(sandbox: PooledSandbox) -> None:
    if not sandbox.sample_limits.startswith("cgroup"):
        pytest.skip(f"no cgroup backend here: {backend().reason}")


def _memory_available_mb() -> int:
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    return 0


@BWRAP_ONLY
def test_three_children_of_700_mb_under_a_1_gb_limit_never_pass(
    grade: Grader, healthy: Callable[[], None], sandbox: PooledSandbox
) -> None:
    if _memory_available_mb() < 3000:
        pytest.skip("needs ~3 GB free: the watch backend lets the tree reach 2.1 GB briefly")
    result = grade(attack(HOGS, body=GOLD), memory_mb=1024, timeout=20)
    assert (result.verdict, result.kind) == ("fail", "killed"), result.reason
    assert "memory limit of the sample tree" in result.reason
    assert result.metadata["limits"] == sandbox.sample_limits
    healthy()  # the worker survived and serves the next sample


FORK_BOMB = """
_os = _m('o~s')
_made = 0
for _ in range(200):
    try:
        if _os.fork() == 0:
            while True:
                try:
                    _os.fork()
                except OSError:
                    pass
        _made += 1
    except OSError:
        pass
"""


@BWRAP_ONLY
def test_a_fork_bomb_is_contained(
    grade: Grader, healthy: Callable[[], None], sandbox: PooledSandbox
) -> None:
    result = grade(attack(FORK_BOMB, body=GOLD), max_procs=16, timeout=6)
    if sandbox.sample_limits.startswith("cgroup"):
        # Refused forks are reported: the bomb fails at once, not at the time limit.
        assert (result.verdict, result.kind) == ("fail", "killed"), result.reason
        assert "process limit of the sample tree" in result.reason
        assert float(result.metadata["run_s"]) < 5
    healthy()  # whatever the backend: no process of the bomb is left to starve the next


ESCAPE = r"""
import ctypes, glob, json, os
libc = ctypes.CDLL(None, use_errno=True)
out = {"cgroup": open("/proc/self/cgroup").read()}
def attempt(name, fn):
    try:
        fn()
        out[name] = "ok"
    except OSError as exc:
        out[name] = exc.strerror
lines = out["cgroup"].splitlines()
rel = [l.split(":", 2)[2] for l in lines if ":memory:" in l or l.startswith("0::")][0]
candidates = ["/tmp/.evals-cg", "/sys/fs/cgroup", "/sys"] + glob.glob("/proc/*/root/tmp/.evals-cg")
out["visible"] = [p for p in candidates if os.path.exists(p)]
out["mounts"] = [l for l in open("/proc/self/mountinfo") if " - cgroup" in l]
os.makedirs("cg", exist_ok=True)
for fs in (b"cgroup2", b"cgroup"):
    rc = libc.mount(b"none", b"cg", fs, 0, b"memory" if fs == b"cgroup" else None)
    out["mount_" + fs.decode()] = "ok" if rc == 0 else os.strerror(ctypes.get_errno())
for base in ("/tmp/.evals-cg/memory", "/tmp/.evals-cg/unified", "/sys/fs/cgroup/memory",
             "/sys/fs/cgroup"):
    for tail in (rel, os.path.dirname(rel), "/"):
        folder = base + tail
        attempt(f"raise {folder}", lambda: open(folder + "/memory.limit_in_bytes", "w").write("-1"))
        attempt(f"leave {folder}", lambda: open(folder + "/cgroup.procs", "w").write("0"))
print(json.dumps(out))
"""


@BWRAP_ONLY
def test_the_sample_cannot_touch_or_leave_its_cgroup(
    sandbox: PooledSandbox, healthy: Callable[[], None]
) -> None:
    _needs_cgroup(sandbox)
    result = sandbox.run(["python", "-c", ESCAPE], {}, Limits(wall_seconds=20))
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["visible"] == [] and out["mounts"] == [], out
    assert out["mount_cgroup2"] == out["mount_cgroup"] == "Operation not permitted", out
    attempts = {k: v for k, v in out.items() if k.startswith(("raise ", "leave "))}
    assert attempts and "ok" not in attempts.values(), attempts
    # And the bound still holds on the very same kind of sample.
    after = sandbox.run(["python", "-c", PLAIN_HOGS], {}, Limits(memory_mb=1024, wall_seconds=20))
    assert after.killed == "memory", after
    healthy()


@BWRAP_ONLY
def test_no_process_of_a_killed_sample_is_left(sandbox: PooledSandbox) -> None:
    """After an OOM-killed sample, its cgroup folder is gone: nothing of it survives."""
    found = backend()
    _needs_cgroup(sandbox)
    code = "import os; print(open('/proc/self/cgroup').read(), flush=True)\n" + PLAIN_HOGS
    result = sandbox.run(["python", "-c", code], {}, Limits(memory_mb=1024, wall_seconds=20))
    assert result.killed == "memory", result
    line = next(ln for ln in result.stdout.splitlines() if ":pids:" in ln or ln.startswith("0::"))
    rel = line.split(":", 2)[2]  # relative to this process's own cgroup (the bwrap's)
    base = found.bases.get("pids") or found.bases["unified"]
    folder = os.path.join(os.path.dirname(base), rel.lstrip("/"))
    assert os.path.basename(os.path.dirname(os.path.dirname(folder))).startswith("evals-")
    for _ in range(200):
        if not os.path.exists(folder):
            break
        time.sleep(0.01)
    assert not os.path.exists(folder), folder
