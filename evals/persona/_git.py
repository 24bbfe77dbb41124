"""``path@rev`` references: split them, and read a file as it was at a git revision."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Literal, overload

from evals.errors import PersonaError

__all__ = ["git_read", "split_ref"]

_GIT_TIMEOUT = 30.0


def split_ref(ref: str) -> tuple[Path, str | None]:
    """Split ``personas/x.md@HEAD~1`` into ``(Path("personas/x.md"), "HEAD~1")``.

    A reference naming an existing file is that file, even if it contains ``@``.
    Otherwise the split is at the first ``@`` whose left part is an existing file or
    a ``.md`` path (so revs such as ``HEAD@{1}`` and paths such as ``a@b.md`` work).

    Raises:
        PersonaError: The reference ends with ``@`` (no revision).
    """
    if "@" not in ref or Path(ref).is_file():
        return Path(ref), None
    cuts = [i for i, ch in enumerate(ref) if ch == "@"]
    cut = next((i for i in cuts if Path(ref[:i]).is_file()), None)
    if cut is None:
        cut = next((i for i in cuts if ref[:i].endswith(".md")), cuts[0])
    path, rev = ref[:cut], ref[cut + 1 :]
    if not path or not rev:
        raise PersonaError(
            "expected FILE or FILE@REV (e.g. personas/x.md@HEAD~1)", path=ref, field="ref"
        )
    return Path(path), rev


@overload
def git_read(path: Path, rev: str, *, ref: str, missing_ok: Literal[False] = False) -> str: ...


@overload
def git_read(path: Path, rev: str, *, ref: str, missing_ok: bool) -> str | None: ...


def git_read(path: Path, rev: str, *, ref: str, missing_ok: bool = False) -> str | None:
    """The text of ``path`` at git revision ``rev`` (``git cat-file blob rev:./path``).

    Git runs in the file's directory (or its nearest existing parent), so ``path``
    may be relative to the current directory and need not exist in the work tree.

    Args:
        path: The file, as on disk.
        rev: Any git revision: ``HEAD``, ``HEAD~1``, a sha, a tag, a branch.
        ref: How errors name the reference (``path@rev``).
        missing_ok: Return ``None`` instead of raising when the file is absent at ``rev``.

    Raises:
        PersonaError: git is missing, the directory is not in a repository, the
            revision is unknown, the file is absent at ``rev``, or it is not UTF-8.
    """
    where = path.absolute().parent
    parts: list[str] = [path.name]
    while not where.is_dir() and where != where.parent:
        parts.insert(0, where.name)
        where = where.parent
    relative = "/".join(parts)
    commit = _git(where, ["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], ref)
    if commit.returncode != 0:
        raise PersonaError(
            f"unknown git revision {rev!r}; use a commit, tag, branch or e.g. HEAD~1",
            path=ref,
        )
    blob = _git(where, ["cat-file", "blob", f"{rev}:./{relative}"], ref)
    if blob.returncode != 0:
        if missing_ok:
            return None
        raise PersonaError(
            f"{path} does not exist at revision {rev!r}; check the path and the revision "
            "(`git log --oneline -- <file>`)",
            path=ref,
        )
    try:
        return blob.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise PersonaError(f"not UTF-8 text at revision {rev!r}", path=ref) from None


def _git(cwd: Path, args: list[str], ref: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, env=env, timeout=_GIT_TIMEOUT
        )
    except FileNotFoundError:
        raise PersonaError(
            "git is not installed, so FILE@REV cannot be read; install git", path=ref
        ) from None
    except subprocess.TimeoutExpired:
        raise PersonaError(f"git {args[0]} timed out after {_GIT_TIMEOUT:.0f}s", path=ref) from None
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0 and "not a git repository" in stderr:
        raise PersonaError(
            f"{cwd} is not inside a git repository, so a revision cannot be read; "
            "drop the @REV part or use a file in a repository",
            path=ref,
        )
    if done.returncode != 0 and "dubious ownership" in stderr:
        raise PersonaError(
            f"git refuses {cwd} (dubious ownership); run "
            f"`git config --global --add safe.directory {cwd}`",
            path=ref,
        )
    return done
