"""``evals check`` speed on a real codebase, with the load average and a same-run baseline.

The codebase is a pinned public repository read from the ``fetch`` mirror
(``/work/.mirror/<owner>+<repo>/repo``) and unpacked into a temporary directory, or
any directory given with ``--path``. Printed per run: files checked, seconds and
files/s of :func:`graders.check.check_path` (all static graders, cold parse cache),
the time a bare ``ast.parse`` of the same files takes (the baseline, measured in the
same run), their ratio, and ``/proc/loadavg`` before and after.

Usage::

    .venv/bin/python benchmarks/check_speed.py [--repo Netflix/dispatch] [--path DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graders._ast_util import clear_caches  # noqa: E402
from graders.check import check_path, collect_files  # noqa: E402

MIRRORS = Path("/work/.mirror")
#: The repository and commit the figures in docs/graders.md were measured on.
DEFAULT_REPO = "Netflix/dispatch"
DEFAULT_COMMIT = "dd2837e82a0bf5565b1b4b4b91ea30b7262d4061"


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def _unpack(repo: str, commit: str, into: Path) -> Path:
    git_dir = MIRRORS / repo.replace("/", "+") / "repo"
    if not git_dir.is_dir():
        raise SystemExit(f"no mirror of {repo} at {git_dir}; bring it with the fetch tool")
    archive = into / "tree.tar"
    with archive.open("wb") as out:
        subprocess.run(
            ["git", "--git-dir", str(git_dir), "archive", commit], stdout=out, check=True
        )
    tree = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def _baseline(path: Path) -> float:
    files, _ = collect_files(path)
    start = time.perf_counter()
    for name, text in files.items():
        if name.endswith(".py"):
            with contextlib.suppress(SyntaxError):
                ast.parse(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=DEFAULT_REPO)
    parser.add_argument("--commit", default=DEFAULT_COMMIT)
    parser.add_argument("--path", type=Path, help="check this directory instead of a mirror")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.path or _unpack(args.repo, args.commit, Path(tmp))
        label = str(args.path) if args.path else f"{args.repo}@{args.commit[:12]}"
        print(f"evals check speed on {label}; loadavg before: {_loadavg()}")
        checks, bases, n = [], [], 0
        for _ in range(args.runs):
            clear_caches()
            bases.append(_baseline(path))
            clear_caches()
            start = time.perf_counter()
            report = check_path(path)
            checks.append(time.perf_counter() - start)
            n = report.files_checked
        check_s, base_s = statistics.median(checks), statistics.median(bases)
        print(f"  files checked      {n}")
        print(f"  evals check        {check_s:7.2f} s  {n / check_s:7.1f} files/s (median)")
        print(f"  ast.parse baseline {base_s:7.2f} s  {n / base_s:7.1f} files/s (same run)")
        print(f"  check / baseline   {check_s / base_s:7.2f} x")
        print(f"  loadavg after: {_loadavg()}")


if __name__ == "__main__":
    main()
