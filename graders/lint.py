"""``lint``: the persona's "Commands: ``ruff check .``", run on the candidate's files.

One ``ruff check`` subprocess per sample: the sample's Python files are written to a
temporary directory and ruff reads them all in a single call (``--isolated``, so no
config file of the candidate or of the host changes the result; ``--no-cache``). ruff
only reads the code, it never runs it, so no sandbox is needed.

Rule selection (option ``select``, a list of ruff rule codes or prefixes): by default
ruff's own default set (``E4``, ``E7``, ``E9``, ``F``: what a bare ``ruff check .``
reports) plus flake8-bugbear ``B`` for likely bugs. Ignored by default (option
``ignore``): ``B008`` (FastAPI's ``Depends()`` in defaults is idiomatic) and ``B905``
(``zip()`` without ``strict=`` is a style choice).

Verdict: ``pass`` with zero findings. Score ``1 - min(1, findings / threshold)`` with
option ``threshold`` (default 10), so a couple of unused imports cost less than a page
of undefined names. A file ruff cannot parse makes the grade an ``error``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar, Literal

from evals.errors import GraderError
from evals.schema import Evidence, Grade
from graders._base import GradeContext, StaticGrader, error_grade, skipped_grade

__all__ = ["DEFAULT_IGNORE", "DEFAULT_SELECT", "LintGrader", "find_ruff"]

DEFAULT_SELECT: tuple[str, ...] = ("E4", "E7", "E9", "F", "B")
DEFAULT_IGNORE: tuple[str, ...] = ("B008", "B905")
_TIMEOUT_S = 60.0


def find_ruff() -> str | None:
    """The ruff executable: the ``ruff`` package's binary, this venv's, or ``$PATH``'s."""
    try:
        from ruff.__main__ import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        pass
    beside = Path(sys.executable).with_name("ruff")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("ruff")


def _codes(ctx: GradeContext, key: str, default: tuple[str, ...]) -> list[str]:
    raw = ctx.options.get(key, list(default))
    values = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise GraderError(
            f"must be a list of ruff rule codes (e.g. ['E', 'F']), got {raw!r}",
            field=f"graders.lint.{key}",
        )
    return [v.strip() for v in values if v.strip()]


def _threshold(ctx: GradeContext) -> int:
    raw = ctx.options.get("threshold", 10)
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 1:
        raise GraderError(
            f"must be a positive integer, got {raw!r}", field="graders.lint.threshold"
        )
    return raw


def _safe_relpath(path: str) -> bool:
    p = PurePosixPath(path)
    return not p.is_absolute() and ".." not in p.parts and bool(p.parts)


class LintGrader(StaticGrader):
    """``ruff check`` over the candidate's Python files; the evidence is ruff's findings."""

    name: ClassVar[str] = "lint"
    default_rules: ClassVar[tuple[str, ...]] = ("commands-lint",)
    scope: ClassVar[Literal["all", "declared"]] = "all"

    def check(self, ctx: GradeContext) -> list[Grade]:
        """Run ruff once over every ``.py`` file of the sample."""
        rules = ctx.rule_ids or self.default_rules
        select = _codes(ctx, "select", DEFAULT_SELECT)
        ignore = _codes(ctx, "ignore", DEFAULT_IGNORE)
        threshold = _threshold(ctx)
        paths = sorted(p for p in ctx.files if p.endswith((".py", ".pyi")) and _safe_relpath(p))
        if not paths:
            return [skipped_grade(self.name, rules, "no Python files to lint")]
        ruff = find_ruff()
        if ruff is None:
            return [error_grade(self.name, rules, "ruff not found: pip install ruff")]
        with tempfile.TemporaryDirectory(prefix="evals-lint-") as tmp:
            root = Path(tmp)
            for rel in paths:
                target = root / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(ctx.files[rel], encoding="utf-8")
            cmd = [ruff, "check", "--output-format", "json", "--no-cache", "--isolated"]
            cmd += ["--exit-zero", "--target-version", "py311", "--select", ",".join(select)]
            if ignore:
                cmd += ["--ignore", ",".join(ignore)]
            try:
                proc = subprocess.run(
                    [*cmd, "."], cwd=root, capture_output=True, text=True, timeout=_TIMEOUT_S
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                return [error_grade(self.name, rules, f"ruff did not run: {exc}")]
            if proc.returncode != 0:
                detail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                return [error_grade(self.name, rules, f"ruff exited {proc.returncode}: {detail}")]
            try:
                findings: list[dict[str, Any]] = json.loads(proc.stdout or "[]")
            except json.JSONDecodeError as exc:
                return [error_grade(self.name, rules, f"ruff printed invalid JSON: {exc}")]
            return [self._grade(ctx, root, findings, select, ignore, threshold)]

    def _grade(
        self,
        ctx: GradeContext,
        root: Path,
        findings: list[dict[str, Any]],
        select: list[str],
        ignore: list[str],
        threshold: int,
    ) -> Grade:
        evidence: list[Evidence] = []
        unparsable: list[str] = []
        for f in findings:
            path = Path(f.get("filename", ""))
            rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
            loc = f.get("location") or {}
            line, col = loc.get("row"), loc.get("column")
            code = f.get("code")
            message = f"{code}: {f.get('message', '')}" if code else str(f.get("message", ""))
            if not code or code in ("E999", "invalid-syntax"):  # ruff's syntax errors
                unparsable.append(f"{rel}:{line}: {message}")
                continue
            lines = ctx.files.get(rel, "").splitlines()
            snippet = None
            if isinstance(line, int) and 0 < line <= len(lines):
                snippet = lines[line - 1].strip()
            evidence.append(
                Evidence(file=rel, line=line, col=col, snippet=snippet, message=message)
            )
        rules = ctx.rule_ids or self.default_rules
        if unparsable:
            return error_grade(self.name, rules, f"cannot parse: {unparsable[0]}")
        evidence.sort(key=lambda e: (e.file or "", e.line or 0, e.col or 0))
        counts: dict[str, int] = {}
        for e in evidence:
            code = e.message.split(":", 1)[0]
            counts[code] = counts.get(code, 0) + 1
        score = 1.0 - min(1.0, len(evidence) / threshold)
        meta: dict[str, Any] = {"select": select, "ignore": ignore, "counts": counts}
        if not evidence:
            return self.make_grade(ctx, "pass", reason="ruff check: no findings", **meta)
        first = evidence[0]
        reason = (
            f"ruff check: {len(evidence)} finding(s); first {first.file}:{first.line} "
            f"{first.message}"
        )
        return self.make_grade(ctx, "fail", score=score, reason=reason, evidence=evidence, **meta)
