"""CI (``.ci/run``) fails on a lint, formatting or typing error, and passes clean code.

The real ``.ci/run`` and ``scripts/check`` run in a scratch tree holding a tiny
``evals`` package and this repo's ``pyproject.toml`` (so ruff and mypy read the same
configuration). The heavy steps around the checks (the test suites, ``pip install``,
``evals tasks validate``) are stand-ins that only log that they ran, and ``apt-get`` is
off the ``PATH``; ruff and mypy are the real ones from ``.venv``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"

CLEAN = '''"""A tiny package CI checks."""


def add(a: int, b: int) -> int:
    """The sum of ``a`` and ``b``."""
    return a + b
'''
BROKEN = {
    "lint": CLEAN.replace('"""A tiny', 'import os\n"""A tiny'),  # F401 + E402
    "format": CLEAN.replace("return a + b", "return (a+b)"),
    "typing": CLEAN.replace("return a + b", "return str(a + b)"),
}
STAND_IN = '#!/bin/sh\necho "{name} $*" >> "$CI_LOG"\n'


def _tree(tmp: Path, source: str) -> Path:
    tree = tmp / "repo"
    (tree / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", tree / ".ci" / "run")
    (tree / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "check", tree / "scripts" / "check")
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    for package in ("evals", "graders", "reports"):  # mypy checks these packages
        (tree / package).mkdir()
        (tree / package / "__init__.py").write_text(CLEAN)
    (tree / "evals" / "calc.py").write_text(source)
    bin_dir = tree / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for tool in ("ruff", "mypy"):
        (bin_dir / tool).symlink_to(VENV / tool)
    for name, where in (("python", bin_dir), ("evals", bin_dir), ("test", tree / "scripts")):
        (where / name).write_text(STAND_IN.format(name=name))
        (where / name).chmod(0o755)
    return tree


def _ci(tree: Path, tmp: Path) -> tuple[int, str, list[str]]:
    path = tmp / "path"  # bash and the few tools the scripts call; no apt-get
    path.mkdir(exist_ok=True)
    for tool in ("bash", "sh", "dirname", "cat"):
        found = shutil.which(tool)
        assert found is not None, tool
        if not (path / tool).exists():
            (path / tool).symlink_to(found)
    log = tmp / "ci.log"
    log.write_text("")
    env = {
        "PATH": str(path),
        "HOME": str(tmp),
        "CI_LOG": str(log),
        "MYPY_CACHE_DIR": str(tmp / "mypy-cache"),
        "RUFF_CACHE_DIR": str(tmp / "ruff-cache"),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
    }
    done = subprocess.run(
        ["bash", str(tree / ".ci" / "run")],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stdout + done.stderr, log.read_text().splitlines()


@pytest.mark.slow  # ~10 s: mypy twice, cold (CI runs the slow tests)
@pytest.mark.skipif(not (VENV / "mypy").exists(), reason="needs .venv (run scripts/test)")
def test_ci_fails_on_each_kind_of_finding_and_passes_clean_code(tmp_path: Path) -> None:
    code, out, ran = _ci(_tree(tmp_path / "clean", CLEAN), tmp_path)
    assert code == 0, out
    # Every step after the checks ran: the slow tests, the ray install, the validation.
    assert ran == [
        "test ",
        "python -m pip install -q -c constraints.txt -e .[dev,ray]",
        "test -m slow or browser",
        "evals tasks validate --all",
    ]
    expected = {
        "lint": "F401",
        "format": "1 file would be reformatted",
        "typing": 'Incompatible return value type (got "str", expected "int")',
    }
    for kind, source in BROKEN.items():
        code, out, ran = _ci(_tree(tmp_path / kind, source), tmp_path)
        assert code != 0, f"{kind}: CI passed\n{out}"
        assert expected[kind] in out, f"{kind}:\n{out}"
        assert ran == ["test "], f"{kind}: CI went on after the failed check: {ran}"
