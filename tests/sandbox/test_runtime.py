"""Runtime venv provisioning: stamp, reuse, rebuild on change."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import evals.sandbox.runtime as rt
from evals.errors import SandboxError


def _fake_venv(root: Path, python: str) -> Path:
    venv = root / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(python)
    return venv


def _no_steps(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []

    def step(cmd: list[str], venv: Path, what: str) -> None:
        calls.append(cmd)
        if cmd[1:3] == ["-m", "venv"]:
            venv.mkdir(parents=True)

    monkeypatch.setattr(rt, "_step", step)
    return calls


def test_stamp_matches_means_nothing_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("pytest==1.0\n")
    venv = _fake_venv(tmp_path, sys.executable)
    (venv / rt.STAMP).write_text(rt._digest(req))
    calls = _no_steps(monkeypatch)
    runtime = rt.ensure_runtime(req, venv)
    assert calls == [] and runtime.python == venv / "bin" / "python"
    assert runtime.base_prefix == Path(sys.executable).resolve().parent.parent
    assert rt.runtime_status(req, venv)[0]


def test_satisfied_pins_are_stamped_without_installing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    python = rt.ensure_runtime().python  # the real runtime venv holds pytest
    version = subprocess.run(
        [str(python), "-c", "import pytest; print(pytest.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    req = tmp_path / "requirements.txt"
    req.write_text(f"# pins\npytest=={version}\n")
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    wrapper = venv / "bin" / "python"  # a wrapper keeps the real venv's site-packages
    wrapper.write_text(f'#!/bin/sh\nexec {python} "$@"\n')
    wrapper.chmod(0o755)
    calls = _no_steps(monkeypatch)
    rt.ensure_runtime(req, venv)
    assert calls == []
    assert (venv / rt.STAMP).read_text().strip() == rt._digest(req)


def test_changed_requirements_reinstall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("pytest==1.0\n")
    (tmp_path / "requirements.lock").write_text("pytest==1.0\n")
    venv = _fake_venv(tmp_path, sys.executable)
    (venv / rt.STAMP).write_text("stale")
    assert not rt.runtime_status(req, venv)[0]
    calls = _no_steps(monkeypatch)
    rt.ensure_runtime(req, venv)
    assert calls and calls[-1][1:4] == ["-m", "pip", "install"]
    assert calls[-1][-2:] == ["-c", str(tmp_path / "requirements.lock")]
    assert rt.runtime_status(req, venv)[0]


def test_missing_venv_is_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("pytest==1.0\n")
    calls = _no_steps(monkeypatch)
    rt.ensure_runtime(req, tmp_path / "new-venv", python="/usr/bin/python3")
    assert calls[0] == ["/usr/bin/python3", "-m", "venv", str(tmp_path / "new-venv")]
    assert "does not exist" in rt.runtime_status(req, tmp_path / "other")[1]


def test_failed_install_is_one_line_sandbox_error(tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("pytest==1.0\n")
    venv = _fake_venv(tmp_path, "/bin/false")
    with pytest.raises(SandboxError) as info:
        rt.ensure_runtime(req, venv)
    assert "\n" not in str(info.value) and "could not install" in str(info.value)


def test_missing_requirements_file(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="requirements file not found"):
        rt.ensure_runtime(tmp_path / "nope.txt", tmp_path / "venv")


@pytest.mark.slow
def test_builds_a_real_venv_from_scratch(tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("# nothing to install\n")
    runtime = rt.ensure_runtime(req, tmp_path / "venv")
    out = subprocess.run(
        [str(runtime.python), "-c", "import sys; print(sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == str(tmp_path / "venv")
    assert rt.runtime_status(req, tmp_path / "venv")[0]
