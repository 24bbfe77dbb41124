#!/usr/bin/env python
"""One-off: turn every ``tasks/<id>/flawed/<variant>/`` full copy into ``<variant>.patch``.

Usage: ``.venv/bin/python scripts/flawed_to_patches.py [SUITE_DIR ...]`` (default ``tasks``).
Each variant folder is diffed against the task's ``solution/``, the patch is applied back
and compared with the folder byte for byte, and only then is the folder deleted.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from evals.tasks import read_tree
from evals.tasks._patch import apply_patch, make_patch


def convert(task_dir: Path) -> int:
    gold = read_tree(task_dir / "solution")
    done = 0
    for variant_dir in sorted(p for p in (task_dir / "flawed").glob("*") if p.is_dir()):
        files = read_tree(variant_dir)
        patch = make_patch(gold, files)
        target = variant_dir.with_suffix(".patch")
        if apply_patch(gold, patch, where=target) != files:
            raise SystemExit(f"{variant_dir}: the patch does not reproduce the folder")
        target.write_text(patch, encoding="utf-8")
        shutil.rmtree(variant_dir)
        done += 1
    return done


def main(argv: list[str]) -> None:
    for suite in argv or ["tasks"]:
        for task_dir in sorted(Path(suite).iterdir()):
            if (task_dir / "flawed").is_dir():
                print(f"{task_dir}: {convert(task_dir)} variants")


if __name__ == "__main__":
    main(sys.argv[1:])
