"""The bwrap root is an allowlist: host copies of the suite (gold answers included) are
invisible wherever they sit, and extra read-only binds come in only when asked for."""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from evals.sandbox import Limits, PooledSandbox, get_sandbox
from evals.sandbox.bwrap import bwrap_problem
from evals.sandbox.runtime import find_project_root

pytestmark = pytest.mark.sandbox
ROOT = find_project_root()


@pytest.fixture(scope="module")
def planted() -> Iterator[list[Path]]:
    """A marked copy of tasks/<one task>/ under each place the issue names."""
    if bwrap_problem():
        pytest.skip(f"bwrap unusable: {bwrap_problem()}")
    marker = f"evals-planted-{uuid.uuid4().hex[:8]}"
    source = ROOT / "tasks" / "rest-crud"
    places = [Path("/srv"), Path("/opt"), Path("/tmp/x"), Path("/root/x"), ROOT.parent]
    made: list[Path] = []
    try:
        for place in places:
            try:
                place.mkdir(parents=True, exist_ok=True)
                target = Path(tempfile.mkdtemp(prefix=marker, dir=place))
            except OSError:
                continue  # not writable here (not root): nothing planted to hide
            shutil.copytree(source, target / "tasks" / "rest-crud")
            made.append(target)
        if not made:
            pytest.skip("no writable place to plant a copy of the suite")
        yield made
    finally:
        for target in made:
            shutil.rmtree(target, ignore_errors=True)


def _look(sandbox: PooledSandbox, paths: list[Path], marker: str) -> dict[str, object]:
    code = f"""
import json, os
paths = {[str(p) for p in paths]!r}
hits = []
for root, dirs, names in os.walk('/'):
    if root.startswith(('/proc', '/sys')):
        dirs[:] = []
        continue
    hits += [os.path.join(root, d) for d in dirs if {marker!r} in d or d == 'rest-crud']
print(json.dumps({{"exists": [os.path.exists(p) for p in paths], "hits": hits,
                  "project": os.path.exists({str(ROOT / "tasks")!r})}}))
"""
    result = sandbox.run(["python", "-c", code], {}, Limits(wall_seconds=60, cpu_seconds=60))
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def test_copies_of_the_suite_are_invisible(planted: list[Path]) -> None:
    marker = planted[0].name[: len("evals-planted-") + 8]
    with get_sandbox("bwrap", workers=1) as sb:
        seen = _look(sb, planted, marker)
    assert seen == {"exists": [False] * len(planted), "hits": [], "project": False}


def test_extra_read_only_binds_are_visible_and_read_only(planted: list[Path]) -> None:
    extra = planted[0] / "tasks"
    with get_sandbox("bwrap", workers=1, ro_binds=(str(extra), "/bin/sh")) as sb:
        listing = sb.run(["python", "-c", f"import os; print(os.listdir({str(extra)!r}))"], {})
        write = sb.run(["python", "-c", f"open({str(extra / 'x')!r}, 'w')"], {})
        shell = sb.run(["/bin/sh", "-c", "echo hi"], {})
    assert listing.stdout.strip() == "['rest-crud']"
    assert "Read-only file system" in write.stderr
    assert (shell.exit_code, shell.stdout) == (0, "hi\n")
