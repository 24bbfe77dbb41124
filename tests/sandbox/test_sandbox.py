"""The sandbox interface itself: run(), limits, environment, concurrency, selection."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from evals.errors import SandboxError
from evals.sandbox import (
    ExecResult,
    Limits,
    PooledSandbox,
    Sandbox,
    get_sandbox,
    sandbox_status,
)
from evals.sandbox.bwrap import bwrap_problem
from evals.tasks import Task
from graders import GradeContext
from graders.tests_pass import TestsPassGrader


def test_exports() -> None:
    import evals.sandbox

    assert evals.sandbox.__all__ == sorted(
        evals.sandbox.__all__, key=lambda n: (not n.isupper(), n)
    )
    for name in ("Sandbox", "Limits", "ExecResult", "get_sandbox", "sandbox_status"):
        assert name in evals.sandbox.__all__


def test_satisfies_the_protocol(sandbox: PooledSandbox) -> None:
    assert isinstance(sandbox, Sandbox)
    assert sandbox.isolated is (sandbox.name == "bwrap")


def test_run_writes_files_and_captures_output(sandbox: PooledSandbox) -> None:
    files = {"pkg/data.txt": "hello", "blob.bin": b"\x00\x01"}
    code = "import os; print(open('pkg/data.txt').read(), len(open('blob.bin','rb').read()))"
    result = sandbox.run(["python", "-c", code + "; import sys; sys.stderr.write('err')"], files)
    assert isinstance(result, ExecResult)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "hello 2\n", "err")
    assert result.ok and result.killed is None and result.duration_s > 0


def test_exit_code_and_fresh_workdir(sandbox: PooledSandbox) -> None:
    first = sandbox.run(
        ["python", "-c", "open('left.txt','w').write('x'); raise SystemExit(3)"], {}
    )
    assert (first.exit_code, first.ok) == (3, False)
    second = sandbox.run(["python", "-c", "import os; print(sorted(os.listdir('.')))"], {})
    assert second.stdout.strip() == "[]"  # nothing survives into the next sample


def test_environment_is_an_allowlist(
    sandbox: PooledSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-should-not-leak")
    code = "import os, json; print(json.dumps(dict(os.environ)))"
    result = sandbox.run(["python", "-c", code], {}, env={"EXTRA": "1"})
    env = __import__("json").loads(result.stdout)
    assert "ANTHROPIC_API_KEY" not in env
    assert env["EXTRA"] == "1" and env["PYTHONHASHSEED"] == "0"
    assert env["PATH"].startswith(str(sandbox.runtime.venv / "bin"))
    assert not any(k.startswith("EVALS_") or "TOKEN" in k or "SECRET" in k for k in env)


def test_runs_the_runtime_venv_python(sandbox: PooledSandbox) -> None:
    result = sandbox.run(["python", "-c", "import sys, pytest; print(sys.prefix)"], {})
    assert result.stdout.strip() == str(sandbox.runtime.venv)


def test_timeout_kills(sandbox: PooledSandbox) -> None:
    result = sandbox.run(["python", "-c", "while True: pass"], {}, Limits(wall_seconds=0.5))
    assert result.killed == "timeout" and not result.ok and result.exit_code is None


def test_output_cap_kills_and_truncates(sandbox: PooledSandbox) -> None:
    code = "import sys\nwhile True: sys.stdout.write('y' * 65536)"
    result = sandbox.run(["python", "-c", code], {}, Limits(output_bytes=100_000))
    assert result.killed == "output" and result.stdout_truncated
    assert len(result.stdout) == 100_000


def test_file_size_limit(sandbox: PooledSandbox) -> None:
    code = "open('big', 'wb').write(b'0' * (3 * 2**20))"
    result = sandbox.run(["python", "-c", code], {}, Limits(file_size_mb=1))
    assert not result.ok


def test_refuses_paths_outside_the_workdir(sandbox: PooledSandbox) -> None:
    for bad in ("../escape.txt", "/etc/passwd"):
        with pytest.raises(SandboxError, match="outside the workdir"):
            sandbox.run(["python", "-c", "pass"], {bad: "x"})


def test_missing_program_is_exit_127(sandbox: PooledSandbox) -> None:
    result = sandbox.run(["/nonexistent/prog"], {})
    assert result.exit_code == 127 and "cannot execute" in result.stderr


def test_concurrent_use_from_threads(sandbox: PooledSandbox) -> None:
    def one(i: int) -> str:
        return sandbox.run(["python", "-c", f"print({i} * 2)"], {}).stdout.strip()

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(one, range(24))) == [str(i * 2) for i in range(24)]


@pytest.mark.sandbox
def test_bwrap_hides_the_harness(bwrap_sandbox: PooledSandbox) -> None:
    root = bwrap_sandbox.runtime.venv.parent
    code = (
        "import os, sys\n"
        f"print(sorted(os.listdir({str(root)!r})))\n"
        f"print(os.path.exists({os.path.expanduser('~')!r} + '/.ssh'))\n"
        "import socket\n"
        "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=1); print('net')\n"
        "except OSError:\n    print('no-net')\n"
        "print(os.getuid() != 0)\n"
    )
    lines = bwrap_sandbox.run(["python", "-c", code], {}).stdout.split("\n")
    assert lines[0] == str([bwrap_sandbox.runtime.venv.name])  # no .venv, no source, no .env
    assert lines[1:4] == ["False", "no-net", "True"]


def test_close_is_idempotent_and_final() -> None:
    sb = get_sandbox("process", workers=1)
    assert sb.run(["python", "-c", "print(1)"], {}).stdout == "1\n"
    sb.close()
    sb.close()
    with pytest.raises(SandboxError, match="closed"):
        sb.run(["python", "-c", "print(1)"], {})


def test_status_and_selection() -> None:
    name, isolated, reason = sandbox_status("process")
    assert (name, isolated) == ("process", False) and "NOT ISOLATED" in reason
    auto = sandbox_status("auto")
    assert auto[0] == ("process" if bwrap_problem() else "bwrap")
    with pytest.raises(SandboxError, match="unknown sandbox"):
        get_sandbox("docker")


def test_bwrap_by_name_raises_when_unusable(monkeypatch: pytest.MonkeyPatch) -> None:
    bwrap_problem.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    try:
        with pytest.raises(SandboxError, match="apt-get install bubblewrap"):
            get_sandbox("bwrap")
        assert sandbox_status("auto")[:2] == ("process", False)
    finally:
        monkeypatch.undo()
        bwrap_problem.cache_clear()


def test_pool_threads_do_not_leak(process_sandbox: PooledSandbox) -> None:
    before = threading.active_count()
    process_sandbox.run(["python", "-c", "pass"], {})
    assert threading.active_count() == before


def test_workers_outlive_the_thread_that_started_them(sandbox: PooledSandbox) -> None:
    # bwrap --die-with-parent is tied to the forking thread; asyncio.to_thread threads come
    # and go, so a worker started from one must survive it.
    with get_sandbox(sandbox.name, workers=1) as sb:
        thread = threading.Thread(target=lambda: sb.run(["python", "-c", "pass"], {}))
        thread.start()
        thread.join()
        assert sb.run(["python", "-c", "print('alive')"], {}).stdout == "alive\n"


@pytest.mark.sandbox
def test_runtime_venv_under_tmp_stays_visible(tmp_path: Path, task: Task) -> None:
    """CI may clone the project under /tmp, which the sandbox replaces with a fresh tmpfs."""
    import subprocess
    import sys as _sys

    from evals.sandbox.bwrap import BwrapSandbox, bwrap_problem
    from evals.sandbox.runtime import Runtime

    if bwrap_problem():
        pytest.skip(f"bwrap unusable: {bwrap_problem()}")
    assert str(tmp_path).startswith("/tmp/")
    base_python = Path(_sys.base_prefix) / "bin" / "python3"
    probe = subprocess.run([base_python, "-c", "import pytest"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("the base interpreter has no pytest for a throwaway runtime venv")
    venv = tmp_path / "proj" / ".runtime-venv"
    subprocess.run(
        [base_python, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)],
        check=True,
    )
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "runtime_marker.py").write_text("WHERE = 'runtime venv'\n")
    runtime = Runtime(venv=venv, python=venv / "bin" / "python", base_prefix=Path(_sys.base_prefix))
    sandbox = BwrapSandbox(runtime=runtime, workers=1)
    try:
        code = "import sys, runtime_marker; print(sys.prefix, runtime_marker.WHERE)"
        result = sandbox.run(["python", "-c", code], {})
        # The hidden-tests path forks per sample and mounts a fresh /tmp of its own.
        candidate = "import runtime_marker\n\n\ndef add(a, b):\n    return a + b\n"
        ctx = GradeContext(
            files={"calc.py": candidate},
            rule_ids=("never-deploy-untested",),
            task=task,
            sandbox=sandbox,
        )
        (graded,) = TestsPassGrader().check(ctx)
    finally:
        sandbox.close()
    assert result.ok, result.stderr
    assert result.stdout.strip() == f"{venv} runtime venv"
    assert graded.verdict == "pass", graded.reason
