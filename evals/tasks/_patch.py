"""Flawed variants as unified diffs against the gold solution.

A variant is stored as ``tasks/<id>/flawed/<variant>.patch``: a git-style unified diff
from ``solution/`` (the ``a/`` side) to the variant (the ``b/`` side). Its metadata (the
rule ids it breaks and why) lives in ``task.yaml: flawed``. Both directions go through
``git`` (``git diff --no-index`` to make a patch, ``git apply`` to materialise one):
git's diff machinery handles new and deleted files, missing final newlines and exact
context matching, and it is already a CI dependency. ``git apply`` never fuzzes: a
patch whose context no longer matches the gold files is an error naming the patch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from evals.errors import TaskError

__all__ = ["apply_patch", "make_patch"]

#: Ignore the user's and the system's git config (diff.noprefix, color, external diff).
_GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "LC_ALL": "C",
}


def _git() -> str:
    git = shutil.which("git")
    if git is None:
        raise TaskError(
            "flawed variants are stored as patches and need `git` on PATH "
            "(apt-get install git)"
        )
    return git


def _write_tree(root: Path, files: Mapping[str, str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def _read_tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes().decode("utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _env(work: Path) -> dict[str, str]:
    # GIT_CEILING_DIRECTORIES keeps git from finding an enclosing repository (a temp dir
    # below a checkout would make `git apply` resolve paths against that repository).
    return {**os.environ, **_GIT_ENV, "GIT_CEILING_DIRECTORIES": str(work.parent)}


def make_patch(gold: Mapping[str, str], variant: Mapping[str, str]) -> str:
    """Return the unified diff that turns the ``gold`` files into the ``variant`` files.

    Args:
        gold: relative posix path -> text of the gold solution.
        variant: relative posix path -> text of the flawed variant.

    Returns:
        A git-style patch (``a/`` and ``b/`` prefixes); empty when the trees are equal.
    """
    with tempfile.TemporaryDirectory(prefix="pe-diff-") as tmp:
        work = Path(tmp)
        _write_tree(work / "a", gold)
        _write_tree(work / "b", variant)
        done = subprocess.run(
            [_git(), "diff", "--no-index", "--no-color", "--no-ext-diff",
             "--src-prefix=", "--dst-prefix=", "a", "b"],  # fmt: skip
            cwd=work,
            env=_env(work),
            capture_output=True,
            check=False,
        )
    if done.returncode not in (0, 1):  # 1 = the trees differ
        raise TaskError(f"git diff failed: {done.stderr.decode(errors='replace').strip()}")
    # Blob ids ("index 1a2b..3c4d") only serve a three-way merge, which we never do; without
    # them a patch changes only when its diff does.
    lines = done.stdout.decode("utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("index "))


def apply_patch(gold: Mapping[str, str], patch: str, *, where: Path | str) -> dict[str, str]:
    """Materialise a variant: apply ``patch`` to a copy of the ``gold`` files.

    Args:
        gold: relative posix path -> text of the gold solution.
        patch: a unified diff as written by :func:`make_patch`.
        where: the patch file, named in errors.

    Returns:
        relative posix path -> text of the variant, sorted by path.

    Raises:
        TaskError: the patch does not apply cleanly to the gold files.
    """
    if not patch.strip():
        return {rel: gold[rel] for rel in sorted(gold)}
    with tempfile.TemporaryDirectory(prefix="pe-apply-") as tmp:
        work = Path(tmp) / "tree"
        _write_tree(work, gold)
        done = subprocess.run(
            [_git(), "apply", "--whitespace=nowarn", "-p1", "-"],
            cwd=work,
            env=_env(work),
            input=patch.encode("utf-8"),
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            detail = done.stderr.decode(errors="replace").strip().splitlines()
            raise TaskError(
                f"patch does not apply to solution/ ({detail[0] if detail else 'git apply failed'}); "
                "regenerate it with `evals tasks make-patch`",
                path=where,
            )
        return _read_tree(work)
