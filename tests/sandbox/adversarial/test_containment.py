"""Harm contained: what a sample does to the machine, the next sample, or the grade itself.

Namespace-only attacks (host files, nested namespaces, other processes) are bwrap-only:
the process fallback is documented NOT ISOLATED. Verdict-level ones run on both.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable

import pytest
from _redteam import GOLD, STUB, Grader, attack

from evals.sandbox import Limits, PooledSandbox
from evals.tasks import Task

BWRAP_ONLY = pytest.mark.parametrize(
    "sandbox", [pytest.param("bwrap", marks=pytest.mark.sandbox)], indirect=True
)


def _exec(sandbox: PooledSandbox, code: str, **limits: int) -> dict[str, object]:
    """Run ``code`` (which prints one JSON object) as a sample; return that object."""
    result = sandbox.run(["python", "-c", code], {}, Limits(wall_seconds=20, **limits))
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


@BWRAP_ONLY
def test_no_nested_user_namespace_or_mount(sandbox: PooledSandbox) -> None:
    code = """
import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
out = {}
def err(rc):
    return rc == 0 or os.strerror(ctypes.get_errno())
for name, flags in (("user", 0x10000000), ("mount", 0x00020000), ("net", 0x40000000)):
    out[name] = err(libc.unshare(flags))
out["tmpfs"] = err(libc.mount(b"none", b"/tmp", b"tmpfs", 0, b"size=50%"))
out["clone_newuser"] = err(libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0))
out["ptrace"] = err(libc.ptrace(16, 1, 0, 0))
print(json.dumps(out))
"""
    out = _exec(sandbox, code)
    assert set(out.values()) == {"Operation not permitted"}, out


@BWRAP_ONLY
def test_proc_shows_only_the_sample(sandbox: PooledSandbox) -> None:
    code = """
import json, os
pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
cmds = [open(f'/proc/{p}/cmdline', 'rb').read().replace(b'\\0', b' ').decode() for p in pids]
print(json.dumps({"pids": pids, "cmds": cmds, "fds": sorted(os.listdir('/proc/self/fd'))}))
"""
    out = _exec(sandbox, code)
    assert out["pids"] == [1], out  # the sample is PID 1 of its own namespace
    assert not any("_pe_worker" in c or "bwrap" in c for c in out["cmds"])  # type: ignore[union-attr]
    assert out["fds"] == ["0", "1", "2", "3"]  # 3: listdir's own descriptor


@BWRAP_ONLY
def test_harness_environment_and_home_are_absent(sandbox: PooledSandbox) -> None:
    code = """
import json, os
print(json.dumps({"env": sorted(os.environ), "etc": sorted(os.listdir('/etc'))}))
"""
    out = _exec(sandbox, code)
    assert not [k for k in out["env"] if "KEY" in k or "TOKEN" in k]  # type: ignore[union-attr]
    assert out["etc"] == ["ld.so.cache"]


def test_memory_of_the_whole_tree_is_limited(
    grade: Grader, healthy: Callable[[], None], sandbox: PooledSandbox
) -> None:
    """Three children of ~150 MB each, each under the 256 MB per-process limit."""
    payload = """
import os as _os, time as _time
for _ in range(3):
    if _os.fork() == 0:
        _hog = bytearray(150 * 1024 * 1024)
        for _i in range(0, len(_hog), 4096):
            _hog[_i] = 1
        _time.sleep(30)
        _os._exit(0)
_time.sleep(30)
"""
    result = grade(attack(payload), memory_mb=256, timeout=15)
    assert (result.verdict, result.kind) == ("fail", "killed"), result.reason
    assert "memory" in result.reason
    healthy()


def test_process_count_of_the_whole_tree_is_limited(
    sandbox: PooledSandbox, healthy: Callable[[], None]
) -> None:
    """40 forks under max_procs=16: refused by RLIMIT_NPROC (a uid of its own) or killed."""
    code = """
import os, sys, time
forks = 0
for _ in range(40):
    try:
        if os.fork() == 0:
            time.sleep(20)
            os._exit(0)
        forks += 1
    except OSError:
        pass
print(forks, flush=True)
time.sleep(1)
"""
    result = sandbox.run(["python", "-c", code], {}, Limits(wall_seconds=15, max_procs=16))
    forks = int(result.stdout.split()[0]) if result.stdout.strip() else 0
    assert result.killed == "procs" or forks < 16, result
    assert result.duration_s < 10
    healthy()


def test_orphans_do_not_outlive_the_sample(sandbox: PooledSandbox) -> None:
    marker = f"evals-orphan-{os.getpid()}-{time.monotonic_ns()}"
    code = f"""
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(60)  # {marker}
    os._exit(0)
"""
    sandbox.run(["python", "-c", code], {}, Limits(wall_seconds=10))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _running(marker):
        time.sleep(0.1)
    assert not _running(marker)


def _running(marker: str) -> bool:
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if marker.encode() in fh.read():
                    return True
        except OSError:
            continue
    return False


def test_hidden_tests_cannot_be_changed(grade: Grader, healthy: Callable[[], None]) -> None:
    payload = """
import os as _os, sys as _sys
for _mod in list(_sys.modules.values()):
    _file = getattr(_mod, '__file__', '') or ''
    if 'hidden' in _file:
        _folder = _os.path.dirname(_file)
        for _attack in (lambda: open(_file, 'w').write('def test_add():\\n    pass\\n'),
                        lambda: _os.remove(_file),
                        lambda: _os.rename(_folder, _folder + '.old'),
                        lambda: open(_os.path.join(_folder, 'conftest.py'), 'w').write('x = 1')):
            try:
                _attack()
            except OSError:
                pass
"""
    result = grade(attack(payload))
    assert result.verdict == "fail"
    assert result.kind in ("tests_failed", "integrity")
    healthy()


def test_a_shadow_module_written_at_runtime_is_not_imported(grade: Grader) -> None:
    """A test module of the same name dropped into the workdir (first on nothing)."""
    payload = """
import os as _os, sys as _sys
for _mod in list(_sys.modules.values()):
    _file = getattr(_mod, '__file__', '') or ''
    if 'hidden' in _file:
        open(_os.path.basename(_file), 'w').write('def test_add():\\n    pass\\n')
        _sys.modules.pop(_mod.__name__)
"""
    result = grade(attack(payload))
    assert result.verdict == "fail", result.reason


@pytest.mark.parametrize(
    "files",
    [
        {"__pycache__/test_hidden_ops.cpython-311.pyc": "\x00planted", "ops.py": STUB},
        {"ops.pyc": "\x00planted"},
        {"ops.cpython-311-x86_64-linux-gnu.so": "\x7fELF"},
        {"../hidden/test_hidden_ops.py": "def test_add():\n    pass\n", "ops.py": STUB},
        {"/tmp/hidden/x.py": "", "ops.py": STUB},
    ],
    ids=["pycache", "sourceless-pyc", "extension", "dotdot", "absolute"],
)
def test_bytecode_and_escaping_paths_are_refused(grade: Grader, files: dict[str, str]) -> None:
    result = grade(files)
    assert (result.verdict, result.kind) == ("fail", "integrity"), result.reason


def test_a_top_level_package_init_cannot_matter(grade: Grader) -> None:
    """The hidden tests live outside the workdir: ``__init__.py`` there changes nothing."""
    assert grade({"ops.py": GOLD, "__init__.py": "import ops\n"}).verdict == "pass"
    assert grade({"ops.py": STUB, "__init__.py": "import ops\n"}).kind == "tests_failed"


def test_giant_messages_are_trimmed(grade: Grader) -> None:
    body = STUB.replace("return 0", "raise AssertionError('x' * 10_000_000)", 1)
    result = grade({"ops.py": body})
    assert result.verdict == "fail"
    assert len(result.model_dump_json()) < 20_000
    assert max(len(e.message) for e in result.evidence) <= 500


def test_the_grade_is_never_an_error(grade: Grader) -> None:
    """Killing itself, segfaulting, closing descriptors: a fail of the rule, not an error."""
    for payload in (
        "import os as _os, signal as _s\n_g(_os, 'ki~ll')(_os.getpid(), _s.SIGKILL)\n",
        "import ctypes as _c\n_c.string_at(0)\n",
        "import os as _os\nfor _fd in range(0, 64):\n    try:\n        _os.close(_fd)\n"
        "    except OSError:\n        pass\n",
        "while True:\n    pass\n",
    ):
        result = grade(attack(payload), timeout=3)
        assert result.verdict == "fail", (payload, result.reason)


@BWRAP_ONLY
def test_gold_found_on_the_host_cannot_be_reached(grade: Grader, ops_task: Task) -> None:
    gold = str(ops_task.path / "solution" / "ops.py")
    payload = f"""
import os as _os
_found = []
for _root, _dirs, _names in _os.walk('/'):
    if _root.startswith(('/proc', '/sys', '/dev')):
        _dirs[:] = []
        continue
    if 'ops.py' in _names and not _root.startswith('/tmp/work'):
        _found.append(_os.path.join(_root, 'ops.py'))
for _path in _found + [{gold!r}]:
    try:
        exec(open(_path).read(), globals())
        break
    except OSError:
        pass
"""
    result = grade(attack(payload), timeout=20)
    assert (result.verdict, result.kind) == ("fail", "tests_failed"), result.reason


def test_controls_pass(grade: Grader) -> None:
    """Ordinary code that looks busy: threads, subprocesses, temp files, output, packages."""
    extras = """
import subprocess as _sp, sys as _sys, tempfile as _tf, threading as _th
_th.Thread(target=lambda: None).start()
_sp.run([_sys.executable, '-c', 'print(1)'], check=True, capture_output=True)
with _tf.NamedTemporaryFile() as _fh:
    _fh.write(b'x' * 1000)
print('log line ' * 1000)
"""
    files = {
        "ops.py": GOLD + extras,
        "helpers/__init__.py": "",
        "helpers/worker.py": "def f():\n    return 1\n",
        "reporter.py": "x = 1\n",
    }
    result = grade(files)
    assert (result.verdict, result.kind) == ("pass", None), result.reason


def test_partial_answer_is_tests_failed_not_integrity(grade: Grader) -> None:
    partial = GOLD.replace('return "-".join(text.lower().split())', "return text.lower()")
    result = grade({"ops.py": partial})
    assert (result.verdict, result.kind) == ("fail", "tests_failed"), result.reason
    assert result.score == pytest.approx(6 / 8)
