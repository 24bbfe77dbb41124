"""Rebuild the external corpus manifests from the pinned public mirrors.

``manifest_sql_construction.jsonl`` (labels from upstream annotations, relabels
marked) and ``manifest_typed_errors.jsonl`` (our labels, :mod:`typed_labels`).

Usage (after bringing the mirrors with the ``fetch`` tool)::

    .venv/bin/python tests/graders/external/build_manifest.py

Items and their upstream labels:

- semgrep/semgrep-rules and meta-llama/PurpleLlama (CodeShield) rule tests: every
  ``# ruleid:``/``# todoruleid:`` (bad) and ``# ok:``/``# todook:`` (good) annotation
  marks the statement below it; the item is that statement and the statements before
  it in the same statement list back to the previous annotated one.
- PyCQA/bandit ``examples/sql_*.py``: every top-level statement under a ``# bad`` or
  ``# good`` section comment, labelled by the section.
- OWASP-Benchmark/BenchmarkPython: every ``sqli`` test file, labelled by
  ``expectedresults-0.1.csv``.

Relabels for the persona's stricter rule ("Never: string concatenation for SQL") are
listed in :data:`RELABELS` (by item id, with the reason) and by the OWASP rule in
:func:`_owasp_items`.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from external_corpus import (  # noqa: E402
    Item,
    _show,
    mirror_dir,
    render_unit,
    sha256,
    split_of,
    statement_lists,
    write_manifest,
)
from typed_labels import TYPED_LABELS, TYPED_PINS  # noqa: E402

from graders._parse import parse_python  # noqa: E402

PINS = {
    "semgrep/semgrep-rules": "157ae4706d7f54aa33647332f234dd68f30da195",
    "meta-llama/PurpleLlama": "4be64c3a24442b51c76175e6ec67722cc3f5fe38",
    "PyCQA/bandit": "92080542688902ad1eb6af74cf16939fad767d29",
    "OWASP-Benchmark/BenchmarkPython": "7cf0674b9a33788ac3105e4c4a75a7fdce4c44bd",
}
SEMGREP_FILES = [
    "python/aws-lambda/security/mysql-sqli.py",
    "python/aws-lambda/security/psycopg-sqli.py",
    "python/aws-lambda/security/pymssql-sqli.py",
    "python/aws-lambda/security/pymysql-sqli.py",
    "python/aws-lambda/security/sqlalchemy-sqli.py",
    "python/aws-lambda/security/tainted-sql-string.py",
    "python/django/security/injection/sql/sql-injection-extra.py",
    "python/django/security/injection/sql/sql-injection-rawsql.py",
    "python/django/security/injection/sql/sql-injection-using-db-cursor-execute.py",
    "python/django/security/injection/sql/sql-injection-using-raw.py",
    "python/django/security/injection/tainted-sql-string.py",
    "python/flask/security/injection/tainted-sql-string.py",
    "python/lang/security/audit/formatted-sql-query.py",
    "python/lang/security/audit/sqli/aiopg-sqli.py",
    "python/lang/security/audit/sqli/asyncpg-sqli.py",
    "python/lang/security/audit/sqli/pg8000-sqli.py",
    "python/lang/security/audit/sqli/psycopg-sqli.py",
    "python/pyramid/security/sqlalchemy-sql-injection.py",
    "python/sqlalchemy/security/audit/avoid-sqlalchemy-text.py",
    "python/sqlalchemy/security/sqlalchemy-execute-raw-query.py",
    "python/sqlalchemy/security/sqlalchemy-sql-injection.py",
]
CODESHIELD_FILES = [
    "CodeShield/insecure_code_detector/rules/semgrep/python/sql_injection_cursor_execute.py",
]
BANDIT_FILES = ["examples/sql_statements.py", "examples/sql_multiline_statements.py"]
#: Item id -> (label, reason): where the persona's rule disagrees with upstream.
RELABELS: dict[str, tuple[str, str]] = {
    "semgrep-rules:python/aws-lambda/security/tainted-sql-string.py:18-18": (
        "bad",
        "SQL text is built from event data by % formatting; the persona forbids building "
        "SQL by string formatting whether or not this code runs it",
    ),
    # Found when our grader disagreed on the dev split; relabelled on the rule text.
    "semgrep-rules:python/pyramid/security/sqlalchemy-sql-injection.py:94-94": (
        "bad",
        "a filter() string is SQL text built from request data by .format(); the persona "
        "forbids that whether or not the function is a view (upstream needs a view source)",
    ),
}

_ANNOTATION = re.compile(r"#\s*(todoruleid|ruleid|todook|ok)\s*:\s*([\w.\-, ]+)")
_Func = ast.FunctionDef | ast.AsyncFunctionDef


def _target_line(lines: list[str], index: int) -> int:
    """1-based line an annotation on ``lines[index]`` refers to."""
    if lines[index].split("#", 1)[0].strip():
        return index + 1  # trailing comment on a code line
    for j in range(index + 1, len(lines)):
        stripped = lines[j].strip()
        if stripped and not stripped.startswith("#"):
            return j + 1
    return index + 1


def _locate(tree: ast.Module, line: int) -> tuple[list[tuple[list[ast.stmt], int]], _Func | None]:
    """The path of (statement list, index) down to the statement holding ``line``.

    The path starts at the body of the innermost function holding ``line`` (or at the
    module body), and that function is returned with it.
    """
    path: list[tuple[list[ast.stmt], int]] = []
    stmts: list[ast.stmt] = tree.body
    func: _Func | None = None
    while True:
        k = next(
            (i for i, st in enumerate(stmts) if st.lineno <= line <= (st.end_lineno or st.lineno)),
            None,
        )
        if k is None:
            return path, func
        st = stmts[k]
        path.append((stmts, k))
        inner = [
            lst
            for lst in statement_lists(st)
            if any(s.lineno <= line <= (s.end_lineno or s.lineno) for s in lst)
        ]
        if not inner:
            return path, func
        if isinstance(st, _Func):
            func, path = st, []
        stmts = inner[0]


def _func_lines(func: _Func | None) -> str:
    if func is None:
        return ""
    start = func.decorator_list[0].lineno if func.decorator_list else func.lineno
    end = func.body[0].lineno - 1
    return f"{start}-{end}" if end >= func.lineno else ""


def _make(source: str, repo: str, path: str, text: str, unit: str, fl: str, label: str, why: str):
    item_id = f"{source}:{path}:{unit.removeprefix('lines ').split(',')[-1]}"
    if item_id in RELABELS:
        new, reason = RELABELS[item_id]
        if new != label:
            label, why = new, f"relabel: {reason} (upstream: {why})"
    body = render_unit(text, unit, fl)
    ast.parse(body)  # every item must be valid Python on its own
    return Item(
        id=item_id,
        source=source,
        repo=repo,
        commit=PINS.get(repo, ""),
        path=path,
        unit=unit,
        func_lines=fl,
        label=label,
        label_source=why,
        split=split_of(item_id),
        sha256=sha256(body),
    )


def _names(nodes: list[ast.stmt], ctx: type[ast.expr_context]) -> set[str]:
    return {
        n.id
        for st in nodes
        for n in ast.walk(st)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)
    }


def _holds(st: ast.stmt, lines: set[int]) -> bool:
    return any(st.lineno <= ln <= (st.end_lineno or st.lineno) for ln in lines)


def _slice(
    path: list[tuple[list[ast.stmt], int]], first: int, segment: list[ast.stmt], targets: set[int]
) -> list[ast.stmt]:
    """Statements before ``segment`` (on its path) that define names it uses."""
    needed = _names(segment, ast.Load)
    picked: list[ast.stmt] = []
    for depth in range(len(path) - 1, -1, -1):
        stmts, k = path[depth]
        stop = first if depth == len(path) - 1 else k
        for st in reversed(stmts[:stop]):
            if isinstance(st, ast.Import | ast.ImportFrom) or _holds(st, targets):
                continue
            stores = _names([st], ast.Store)
            if stores & needed:
                picked.append(st)
                if not isinstance(st, ast.AugAssign):
                    needed -= stores
                needed |= _names([st], ast.Load)
    return picked


def _annotated_items(source: str, repo: str, path: str) -> Iterator[Item]:
    text = _show(repo, PINS[repo], path)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        print(f"skip {path}: not Python 3 syntax", file=sys.stderr)
        return
    lines = text.splitlines()
    notes_at: dict[int, list[tuple[str, str]]] = {}
    for index, raw in enumerate(lines):
        m = _ANNOTATION.search(raw)
        if m:
            notes_at.setdefault(_target_line(lines, index), []).append((m[1], m[2].strip()))
    targets = set(notes_at)
    groups: dict[tuple[int, int], tuple[list[tuple[list[ast.stmt], int]], _Func | None, list]] = {}
    for line, notes in notes_at.items():
        where, func = _locate(tree, line)
        if not where:
            continue
        stmts, k = where[-1]
        groups.setdefault((id(stmts), k), (where, func, []))[2].extend(notes)
    for (_, k), (where, func, notes) in sorted(groups.items(), key=lambda g: g[0][1]):
        stmts = where[-1][0]
        marked = [j for j, st in enumerate(stmts) if _holds(st, targets)]
        first = max([j for j in marked if j < k], default=-1) + 1
        last = min([j for j in marked if j > k], default=len(stmts)) - 1
        segment = stmts[first : last + 1]
        if func is None:
            segment = [s for s in segment if not isinstance(s, ast.Import | ast.ImportFrom)]
        kept = sorted([*_slice(where, first, segment, targets), *segment], key=lambda s: s.lineno)
        if not kept:
            continue
        unit = "lines " + ",".join(f"{s.lineno}-{s.end_lineno}" for s in kept)
        bad = any(kind in ("ruleid", "todoruleid") for kind, _ in notes)
        why = "upstream: " + ", ".join(f"# {kind}: {rule}" for kind, rule in notes)
        label = "bad" if bad else "good"
        try:
            yield _make(source, repo, path, text, unit, _func_lines(func), label, why)
        except SyntaxError:
            print(f"skip {path}:{unit}: the unit is not valid on its own", file=sys.stderr)


def _bandit_items(path: str) -> Iterator[Item]:
    repo = "PyCQA/bandit"
    text = _show(repo, PINS[repo], path)
    tree = ast.parse(text)
    lines = text.splitlines()
    section: str | None = None
    last_comment = 0
    for st in tree.body:
        for j in range(last_comment, st.lineno - 1):
            comment = lines[j].strip().lower()
            if comment.startswith("#"):
                if re.match(r"#\s*bad", comment):
                    section = "bad"
                elif re.match(r"#\s*good", comment) or "false positive" in comment:
                    section = "good"
                elif comment.startswith("# bug"):
                    section = None
        last_comment = st.end_lineno or st.lineno
        if section is None or isinstance(st, ast.Import | ast.ImportFrom | _Func):
            continue
        unit = f"lines {st.lineno}-{st.end_lineno}"
        yield _make(
            "bandit", repo, path, text, unit, "", section, f"upstream: `# {section}` section"
        )


def _interpolates(tree: ast.AST) -> bool:
    """True when non-literal data is built into a string (f-string, %, +, .format)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and any(
            isinstance(v, ast.FormattedValue) for v in node.values
        ):
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
            sides = (node.left, node.right)
            text = any(isinstance(s, ast.Constant) and isinstance(s.value, str) for s in sides)
            if text and not all(isinstance(s, ast.Constant) for s in sides):
                return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant)
        ):
            return True
    return False


def _owasp_items() -> Iterator[Item]:
    repo = "OWASP-Benchmark/BenchmarkPython"
    csv = _show(repo, PINS[repo], "expectedresults-0.1.csv")
    for row in csv.splitlines():
        cols = [c.strip() for c in row.split(",")]
        if len(cols) < 3 or cols[1] != "sqli":
            continue
        path = f"testcode/{cols[0]}.py"
        text = _show(repo, PINS[repo], path)
        label = "bad" if cols[2] == "true" else "good"
        why = f"upstream: expectedresults-0.1.csv real vulnerability={cols[2]}"
        if label == "good":
            sql = [
                n
                for n in ast.walk(parse_python(path, text))
                if isinstance(n, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "sql" for t in n.targets)
            ]
            if any(_interpolates(n.value) for n in sql):
                label = "bad"
                why = (
                    "relabel: the SQL text interpolates a variable; the persona forbids "
                    f"building SQL from variables even when their value is constant ({why})"
                )
        item_id = f"owasp-benchmark-python:{path}"
        yield Item(
            id=item_id,
            source="owasp-benchmark-python",
            repo=repo,
            commit=PINS[repo],
            path=path,
            unit="file",
            func_lines="",
            label=label,
            label_source=why,
            split=split_of(item_id),
            sha256=sha256(text),
        )


def build() -> list[Item]:
    """Every item of the SQL corpus, from the mirrors."""
    for repo, commit in PINS.items():
        if not mirror_dir(repo).is_dir():
            raise SystemExit(f"{repo}: no mirror at {mirror_dir(repo)}; bring it with `fetch`")
        subprocess.run(
            ["git", "--git-dir", str(mirror_dir(repo)), "cat-file", "-e", commit], check=True
        )
    items: list[Item] = []
    for path in SEMGREP_FILES:
        items.extend(_annotated_items("semgrep-rules", "semgrep/semgrep-rules", path))
    for path in CODESHIELD_FILES:
        items.extend(_annotated_items("codeshield", "meta-llama/PurpleLlama", path))
    for path in BANDIT_FILES:
        items.extend(_bandit_items(path))
    items.extend(_owasp_items())
    return items


def build_typed() -> list[Item]:
    """Every item of the typed_errors corpus: one function per labelled handler."""
    items = []
    for repo, path, span, label, why in TYPED_LABELS:
        text = _show(repo, TYPED_PINS[repo], path)
        item = _make(
            repo.split("/")[1], repo, path, text, f"lines {span}", "", label, f"own: {why}"
        )
        items.append(
            replace(
                item,
                id=f"{repo}:{path}:{span}",
                commit=TYPED_PINS[repo],
                split=split_of(f"{repo}:{path}:{span}"),
            )
        )
    return items


def main() -> None:
    typed = build_typed()
    print(f"{write_manifest('typed_errors', typed)}: {len(typed)} items")
    items = build()
    path = write_manifest("sql_construction", items)
    bad = sum(1 for i in items if i.label == "bad")
    held = sum(1 for i in items if i.split == "heldout")
    relabels = sum(1 for i in items if i.label_source.startswith("relabel"))
    print(f"{path}: {len(items)} items ({bad} bad, {held} held out, {relabels} relabelled)")


if __name__ == "__main__":
    main()
