"""Extract files from a model's answer.

The output contract (``evals.tasks.OUTPUT_CONTRACT``) asks for fenced blocks whose info
string carries ``file=<path>``. Models drift from it, so we also accept the variants they
actually produce:

- a path in the info string: ``file=``/``path=``/``filename=``/``title="..."``, ``python:app.py``
  or a bare path token (```` ```app.py ````);
- a label line just above the fence: ``### app.py``, ``**app.py**``, ``File: app.py``,
  ```` `app.py` ````, ``app.py:``;
- a first-line comment inside the block: ``# file: app.py`` or ``# app.py``;
- a single unlabeled block when exactly one file is expected.

Paths that could escape the workdir (``..``, absolute paths, drive letters, ``~``) are
rejected and noted. When a path repeats, the last block wins and that is noted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Extraction", "extract_files", "safe_relpath"]

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_KV = re.compile(r"""(?:file|path|filename|title|name)\s*[=:]\s*(?:"([^"]+)"|'([^']+)'|(\S+))""")
_PATHLIKE = re.compile(r"^[\w.\-/\\]+\.[A-Za-z0-9]{1,8}$|^[\w.\-/]*(?:Dockerfile|Makefile)$")
_LABEL = re.compile(
    r"""^\s*(?:\#{1,6}\s*)?(?:\*\*|__)?\s*(?:(?:file(?:name)?|path)\s*[:=]\s*)?
        [`"']?(?P<path>[\w.\-/\\]+)[`"']?\s*(?:\*\*|__)?\s*:?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_FIRST_LINE = re.compile(
    r"^\s*(?:#|//)\s*(?:(?:file(?:name)?|path)\s*:\s*)?(?P<path>[\w.\-/]+)\s*$", re.IGNORECASE
)
_LANGS = {
    "python",
    "py",
    "python3",
    "json",
    "yaml",
    "yml",
    "toml",
    "ini",
    "sql",
    "bash",
    "sh",
    "shell",
    "text",
    "txt",
    "markdown",
    "md",
    "dotenv",
    "env",
    "cfg",
    "diff",
}


@dataclass(frozen=True)
class Extraction:
    files: dict[str, str]
    notes: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def safe_relpath(raw: str) -> str | None:
    """Normalise ``raw`` to a relative posix path inside the workdir, or None if unsafe."""
    path = raw.strip().strip("`'\"").replace("\\", "/")
    if not path or "\0" in path or path.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", path):
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return "/".join(parts)


def _looks_like_path(token: str) -> bool:
    token = token.strip().strip("`'\"")
    if token.lower() in _LANGS:
        return False
    return bool(_PATHLIKE.match(token)) and not token.replace(".", "").isdigit()


def _path_from_info(info: str) -> str | None:
    info = info.strip()
    if not info:
        return None
    match = _KV.search(info)
    if match:
        return next(g for g in match.groups() if g)
    for token in re.split(r"[\s{}]+", info):
        candidate = token.split(":", 1)[1] if ":" in token else token
        if candidate and _looks_like_path(candidate):
            return candidate
    return None


def _path_from_label(lines: list[str], fence_index: int) -> str | None:
    for back in (1, 2):
        i = fence_index - back
        if i < 0:
            return None
        line = lines[i].strip()
        if not line:
            continue
        match = _LABEL.match(line)
        if match and _looks_like_path(match.group("path")):
            return match.group("path")
        return None
    return None


@dataclass
class _Block:
    info: str
    body: str
    path: str | None
    source: str


def _scan(text: str) -> list[_Block]:
    lines = text.splitlines()
    blocks: list[_Block] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence = opening.group("fence")
        info = opening.group("info")
        body: list[str] = []
        j = i + 1
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                break
            body.append(lines[j])
            j += 1
        path = _path_from_info(info)
        source = "info"
        if path is None:
            path, source = _path_from_label(lines, i), "label"
        if path is None and body:
            first = _FIRST_LINE.match(body[0])
            if first and _looks_like_path(first.group("path")):
                path, source = first.group("path"), "comment"
        blocks.append(
            _Block(
                info=info.strip(),
                body="\n".join(body) + "\n",
                path=path,
                source=source if path else "none",
            )
        )
        i = j + 1
    return blocks


def extract_files(text: str, expected: Sequence[str] = ()) -> Extraction:
    """Extract ``{path: content}`` from a model answer.

    Args:
        text: the raw model output.
        expected: the files the task expects; used only to place a single unlabeled block.
    """
    blocks = _scan(text)
    files: dict[str, str] = {}
    notes: list[str] = []
    rejected: list[str] = []
    unlabeled = [b for b in blocks if b.path is None]
    for block in blocks:
        if block.path is None:
            continue
        rel = safe_relpath(block.path)
        if rel is None:
            rejected.append(block.path)
            notes.append(f"rejected path {block.path!r}: it would escape the workdir")
            continue
        if rel in files:
            notes.append(f"duplicate path {rel!r}: the last block wins")
        files[rel] = block.body
        if block.source != "info":
            notes.append(f"{rel}: path taken from the {block.source}, not the output contract")
    if not files and len(expected) == 1 and unlabeled:
        code = [b for b in unlabeled if b.info.lower() in ("", "python", "py", "python3")]
        if code:
            chosen = code[-1]
            files[expected[0]] = chosen.body
            if len(code) > 1:
                notes.append(f"{len(code)} unlabeled blocks; the last was taken as {expected[0]!r}")
            else:
                notes.append(f"single unlabeled block taken as {expected[0]!r}")
    elif unlabeled and files:
        notes.append(f"{len(unlabeled)} unlabeled block(s) ignored")
    if not files:
        notes.append("no files found in the answer")
    return Extraction(files=files, notes=notes, rejected=rejected)
