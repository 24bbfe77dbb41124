"""External labelled corpora for the static graders, read from pinned public mirrors.

Nothing fetched from a public repository is committed (workplace rule). What is
committed is a manifest (``manifest_<grader>.jsonl``): for every item the pinned
location ``owner/repo@commit:path``, the unit inside the file (``lines A-B`` of one
statement list), its label with the label's source (an upstream annotation, or our
relabel for the persona's stricter rule, marked ``relabel``), the split
(``dev``/``heldout``) and the sha256 of the item text. At test time the item text is
rebuilt from the bare git mirror that the ``fetch`` tool leaves under
``/work/.mirror/<owner>+<repo>/repo`` and checked against that sha256.

An item's text is the file's top-level imports, the header of the function the unit
sits in (decorators and ``def`` line, when it sits in one), and the unit's statements
(line ranges, each dedented), re-indented as that function's body.
"""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from graders._accuracy import Accuracy as Scores

__all__ = [
    "HERE",
    "MIRROR_ROOT",
    "Item",
    "Scores",
    "load_items",
    "mirror_dir",
    "missing_mirrors",
    "read_manifest",
    "render_unit",
    "score",
    "split_of",
    "write_manifest",
]

HERE = Path(__file__).resolve().parent
MIRROR_ROOT = Path("/work/.mirror")
#: Share of items kept aside (by a hash of the item id) and not looked at while fixing.
HELDOUT_SHARE = 0.3


@dataclass(frozen=True)
class Item:
    """One labelled item of an external corpus."""

    id: str
    source: str
    repo: str
    commit: str
    path: str
    #: ``"file"``, or ``"lines A-B,C-D"``: statements, each re-indented to one level.
    unit: str
    #: ``"A-B"``: the enclosing function's header lines, or ``""`` at module level.
    func_lines: str
    label: str  # "bad" (violates the rule) or "good"
    label_source: str  # "upstream: ..." or "relabel: ..." or "own: ..."
    split: str  # "dev" or "heldout"
    sha256: str
    text: str = ""


def split_of(item_id: str) -> str:
    """``heldout`` for a fixed ~30% of ids (by sha256), else ``dev``."""
    bucket = int(hashlib.sha256(item_id.encode()).hexdigest()[:8], 16) % 1000
    return "heldout" if bucket < HELDOUT_SHARE * 1000 else "dev"


def mirror_dir(repo: str) -> Path:
    """The bare git directory ``fetch`` leaves for ``owner/repo``."""
    return MIRROR_ROOT / repo.replace("/", "+") / "repo"


@lru_cache(maxsize=4096)
def _show(repo: str, commit: str, path: str) -> str:
    out = subprocess.run(
        ["git", "--git-dir", str(mirror_dir(repo)), "show", f"{commit}:{path}"],
        capture_output=True,
        check=True,
    )
    return out.stdout.decode("utf-8", errors="replace")


def _span(spec: str) -> tuple[int, int]:
    start, _, end = spec.partition("-")
    return int(start), int(end)


@lru_cache(maxsize=1024)
def _imports(text: str) -> str:
    tree = ast.parse(text)
    lines = text.splitlines()
    out = []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.extend(lines[node.lineno - 1 : node.end_lineno])
    return "\n".join(out)


def render_unit(text: str, unit: str, func_lines: str) -> str:
    """The item text for ``unit`` of file ``text`` (see the module docstring)."""
    if unit == "file":
        return text
    lines = text.splitlines()
    chunks = []
    for spec in unit.removeprefix("lines ").split(","):
        start, end = _span(spec)
        chunks.append(textwrap.dedent("\n".join(lines[start - 1 : end])))
    body = "\n".join(chunks)
    parts = [_imports(text)]
    if func_lines:
        fstart, fend = _span(func_lines)
        parts.append(textwrap.dedent("\n".join(lines[fstart - 1 : fend])))
        body = textwrap.indent(body, "    ")
    parts.append(body)
    return "\n\n".join(p for p in parts if p) + "\n"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(name: str) -> list[Item]:
    """The items listed in ``manifest_<name>.jsonl`` (without their text)."""
    path = HERE / f"manifest_{name}.jsonl"
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            items.append(Item(**json.loads(line)))
    return items


def write_manifest(name: str, items: Iterable[Item]) -> Path:
    """Write ``manifest_<name>.jsonl`` (item text left out: it is never committed)."""
    path = HERE / f"manifest_{name}.jsonl"
    rows = []
    for item in items:
        row = asdict(item)
        row.pop("text")
        rows.append(json.dumps(row, sort_keys=True))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def missing_mirrors(items: Iterable[Item]) -> list[str]:
    """Repositories (``owner/repo@commit``) whose mirror is absent or lacks the commit."""
    missing = []
    for repo, commit in sorted({(i.repo, i.commit) for i in items}):
        git_dir = mirror_dir(repo)
        ok = git_dir.is_dir() and (
            subprocess.run(
                ["git", "--git-dir", str(git_dir), "cat-file", "-e", f"{commit}^{{commit}}"],
                capture_output=True,
            ).returncode
            == 0
        )
        if not ok:
            missing.append(f"{repo}@{commit}")
    return missing


def load_items(name: str, split: str | None = None) -> list[Item]:
    """The items of manifest ``name`` with their text, checked against their sha256.

    Raises:
        ValueError: an item's text does not match its recorded sha256.
    """
    out = []
    for item in read_manifest(name):
        if split is not None and item.split != split:
            continue
        text = render_unit(_show(item.repo, item.commit, item.path), item.unit, item.func_lines)
        if sha256(text) != item.sha256:
            raise ValueError(f"{item.id}: item text does not match its sha256 in the manifest")
        out.append(Item(**{**asdict(item), "text": text}))
    return out


def score(items: Iterable[Item], flagged: set[str]) -> dict[str, Scores]:
    """Scores per source and ``pooled``, for the items whose id is in ``flagged``."""
    out: dict[str, Scores] = {}
    for item in items:
        hit = item.id in flagged
        for key in (item.source, "pooled"):
            s = out.setdefault(key, Scores(grader=key))
            if item.label == "bad":
                s.tp, s.fn = s.tp + hit, s.fn + (not hit)
            else:
                s.fp, s.tn = s.fp + hit, s.tn + (not hit)
    return out


def statement_lists(node: ast.AST) -> Iterator[list[ast.stmt]]:
    """Every statement list directly under ``node`` (bodies, else, handlers, finally)."""
    for name in ("body", "orelse", "finalbody"):
        value = getattr(node, name, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value
    for handler in getattr(node, "handlers", []):
        yield handler.body
    for case in getattr(node, "cases", []):
        yield case.body
