"""``check_path``: run the static graders over any directory of code (a PR, a repo).

This is the Python API behind ``evals check``. Static graders are the registered
graders that subclass :class:`~graders._base.StaticGrader` and need neither a sandbox
nor a judge model; every one runs on every tree (there is no task to declare rules).

The JSON form of :class:`CheckReport` is a stable, versioned schema (documented in
``docs/graders.md``): fields are only ever added, and ``schema_version`` changes when
one is removed or changes meaning. Evidence paths are relative to the checked path.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, Field

from evals.errors import ConfigError, GraderError
from evals.schema import Grade
from graders._base import GradeContext, StaticGrader, error_grade, get_grader, grader_names
from graders._secret_config import is_config_path

__all__ = [
    "ACCURACY_FLOORS",
    "CHECK_SCHEMA_VERSION",
    "DEFAULT_ACCURACY_FLOOR",
    "SKIP_DIRS",
    "CheckReport",
    "accuracy_floor",
    "check_files",
    "check_path",
    "collect_files",
    "static_grader_names",
]

CHECK_SCHEMA_VERSION = 1
#: Directories never descended into.
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "__pycache__", "node_modules",
        ".mypy_cache", ".ruff_cache", ".pytest_cache", ".tox", ".nox", "build", "dist",
        ".eggs", "site-packages", ".idea", ".vscode", ".runtime-venv",
    }
)  # fmt: skip
#: Files larger than this are skipped (generated or vendored code, data).
MAX_FILE_BYTES = 1_000_000
#: LLM judges are never static, and importing them is slow: not even loaded.
_JUDGES = frozenset({"judge"})


class CheckReport(BaseModel):
    """The result of ``check_path``; its JSON form is the ``evals check`` schema."""

    schema_version: int = CHECK_SCHEMA_VERSION
    tool: Literal["persona-evals"] = "persona-evals"
    #: The checked path as given.
    path: str
    #: Graders that ran, in order.
    graders: list[str]
    files_checked: int
    #: Relative paths skipped: too large, or not UTF-8 text.
    files_skipped: list[str] = Field(default_factory=list)
    #: True when no grade is ``fail`` or ``error``.
    passed: bool
    #: Grade count per verdict.
    summary: dict[str, int]
    grades: list[Grade]
    duration_s: float = 0.0


def static_grader_names(*, strict: bool = False) -> list[str]:
    """Names of the registered static graders (no sandbox, no judge), sorted.

    A grader that fails to import is left out, or raises :class:`GraderError` when
    ``strict``.
    """
    names: list[str] = []
    for name in grader_names():
        if name in _JUDGES:
            continue
        try:
            grader = get_grader(name)
        except (ImportError, AttributeError) as exc:
            if strict:
                raise GraderError(f"grader {name!r} cannot be loaded: {exc}") from exc
            continue
        if isinstance(grader, StaticGrader) and not grader.needs_sandbox:
            names.append(name)
    return names


def _wanted(path: str) -> bool:
    return path.endswith((".py", ".pyi")) or is_config_path(path)


def collect_files(root: Path) -> tuple[dict[str, str], list[str]]:
    """``({relative posix path: text}, skipped)`` for the Python and config files in ``root``.

    ``root`` may be a single file. Directories in :data:`SKIP_DIRS` are not descended
    into (other hidden ones are: ``.github/workflows/*.yml`` may hold secrets).
    """
    if root.is_file():
        candidates = [(root.name, root)]
    else:
        candidates = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            base = Path(dirpath)
            for name in sorted(filenames):
                full = base / name
                candidates.append((full.relative_to(root).as_posix(), full))
    files: dict[str, str] = {}
    skipped: list[str] = []
    for rel, full in candidates:
        if not _wanted(rel) or full.is_symlink():
            continue
        try:
            if full.stat().st_size > MAX_FILE_BYTES:
                skipped.append(rel)
                continue
            files[rel] = full.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            skipped.append(rel)
    return files, skipped


def _resolve(names: Sequence[str] | None) -> list[str]:
    if not names:
        return static_grader_names()
    out: list[str] = []
    for name in dict.fromkeys(names):
        if name in _JUDGES:
            raise GraderError(
                f"{name!r} is an LLM judge, not a static grader; run it with `evals run`",
                field="--grader",
            )
        grader = get_grader(name)  # GraderError for unknown names
        if not isinstance(grader, StaticGrader) or grader.needs_sandbox:
            raise GraderError(
                f"{name!r} needs the sandbox; run it with `evals run`",
                field="--grader",
            )
        out.append(name)
    return out


def check_files(
    files: Mapping[str, str],
    graders: Sequence[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Grade]:
    """Run the static graders (all by default) on ``files``; one list of grades."""
    grades: list[Grade] = []
    for name in _resolve(graders):
        grader = cast(StaticGrader, get_grader(name))  # _resolve only keeps static ones
        ctx = GradeContext(
            files=files, rule_ids=grader.default_rules, options=(options or {}).get(name, {})
        )
        started = time.perf_counter()
        try:
            result = grader.check(ctx)
        except GraderError:
            raise
        except Exception as exc:  # a crashing grader is reported, never a silent pass
            reason = f"grader crashed: {type(exc).__name__}: {exc}".splitlines()[0][:300]
            result = [error_grade(name, grader.default_rules, reason)]
        elapsed = time.perf_counter() - started
        for grade in result:
            if grade.duration_s is None:
                grade.duration_s = elapsed
        grades.extend(result)
    return grades


def check_path(
    path: str | Path,
    graders: Sequence[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> CheckReport:
    """Run the static graders over the Python and config files under ``path``.

    Args:
        path: A directory (walked recursively) or a single file.
        graders: Grader names; all static graders when empty or None.
        options: Per-grader options, ``{"lint": {"select": ["E", "F"]}}``.

    Raises:
        ConfigError: ``path`` does not exist.
        GraderError: an unknown grader, or one that needs a sandbox or a judge.
    """
    root = Path(path)
    if not root.exists():
        raise ConfigError("does not exist; pass a directory or a file to check", path=root)
    names = _resolve(graders)
    started = time.perf_counter()
    files, skipped = collect_files(root)
    grades = check_files(files, names, options)
    counts = Counter(g.verdict for g in grades)
    return CheckReport(
        path=str(path),
        graders=names,
        files_checked=len(files),
        files_skipped=skipped,
        passed=not (counts["fail"] or counts["error"]),
        summary={v: counts[v] for v in ("pass", "fail", "error", "skipped")},
        grades=grades,
        duration_s=round(time.perf_counter() - started, 4),
    )


#: CI floors for ``evals graders eval``: F1 on the labelled examples.
ACCURACY_FLOORS: dict[str, float] = {"sql_construction": 0.95, "typed_errors": 0.95}
DEFAULT_ACCURACY_FLOOR = 0.9


def accuracy_floor(grader: str) -> float:
    """The F1 a grader must reach on its labelled examples."""
    return ACCURACY_FLOORS.get(grader, DEFAULT_ACCURACY_FLOOR)
