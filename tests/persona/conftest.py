"""Shared helpers for the persona tests: small persona texts and a throwaway git repo."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "personas" / "backend-engineer.md"


def _persona_text(
    always: tuple[str, ...] = ("Write tests first",),
    never: tuple[str, ...] = ("Commit secrets",),
    *,
    name: str = "tester",
    extra: str = "",
) -> str:
    """A minimal valid persona with the given Always Do / Never Do bullets."""
    lines = ["---", f"name: {name}", "description: A test persona.", "tools: [Read]", "---", ""]
    lines += ["You are a tester.", "", extra, "## Always Do"]
    lines += [f"- {x}" for x in always]
    lines += ["", "## Never Do"]
    lines += [f"- {x}" for x in never]
    return "\n".join(lines) + "\n"


def _git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a fixed identity; return stdout."""
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repository in a temporary directory."""
    path = tmp_path / "repo"
    path.mkdir()
    _git(path, "init", "-q", "-b", "main")
    return path


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write ``text`` to ``tmp_path/<name>`` (and an optional sidecar beside it)."""

    def _write(text: str, name: str = "p.md", sidecar: str | None = None) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if sidecar is not None:
            path.with_name(f"{path.stem}.rules.yaml").write_text(sidecar, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def shipped() -> Path:
    """The shipped persona file."""
    return SHIPPED


@pytest.fixture
def persona_text() -> Callable[..., str]:
    """Build a minimal persona text: ``persona_text(always=(...), never=(...), extra=...)``."""
    return _persona_text


@pytest.fixture
def git() -> Callable[..., str]:
    """``git(repo, *args)``: run git with a fixed identity, return stdout."""
    return _git
