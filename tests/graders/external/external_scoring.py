"""Score our graders beside ruff S608 and bandit B608 on the external corpus items.

Usage::

    .venv/bin/python tests/graders/external/external_scoring.py [--split dev|heldout|all]
        [--grader sql_construction|typed_errors] [--mistakes]

An item counts as flagged by a tool when the tool reports anything in the item's text
(our grader: a ``fail`` grade). ``bad`` items are the positives.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from external_corpus import Item, Scores, load_items, score  # noqa: E402

from graders._base import GradeContext, StaticGrader, get_grader  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"

__all__ = ["baselines", "flagged_by_bandit", "flagged_by_grader", "flagged_by_ruff", "table"]


def flagged_by_grader(name: str, items: Iterable[Item]) -> dict[str, str]:
    """``{item id: reason}`` for the items grader ``name`` fails."""
    grader = get_grader(name)
    assert isinstance(grader, StaticGrader)
    out = {}
    for item in items:
        ctx = GradeContext(files={"item.py": item.text}, rule_ids=grader.default_rules)
        grades = grader.check(ctx)
        if any(g.verdict == "fail" for g in grades):
            out[item.id] = "; ".join(g.reason for g in grades)
        elif any(g.verdict == "error" for g in grades):
            out[item.id] = "ERROR " + "; ".join(g.reason for g in grades)
    return out


def _write(items: list[Item], folder: Path) -> dict[str, str]:
    names = {}
    for n, item in enumerate(items):
        path = folder / f"item_{n:04d}.py"
        path.write_text(item.text, encoding="utf-8")
        names[str(path.resolve())] = item.id
    return names


#: ruff's nearest rules to "Always: typed errors", for the side-by-side.
RUFF_TYPED = "BLE001,S110,S112,E722,B904,TRY002,TRY203,SIM105"


def flagged_by_ruff(items: list[Item], select: str = "S608") -> set[str]:
    """Ids of the items ruff reports on with rules ``select`` (S608 by default)."""
    with tempfile.TemporaryDirectory() as tmp:
        names = _write(items, Path(tmp))
        cmd = [str(VENV_BIN / "ruff"), "check", "--isolated", "--select", select]
        cmd += ["--output-format", "json", "--exit-zero", tmp]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        return {names[str(Path(r["filename"]).resolve())] for r in json.loads(out)}


def flagged_by_bandit(items: list[Item]) -> set[str]:
    """Ids of the items bandit B608 reports on."""
    with tempfile.TemporaryDirectory() as tmp:
        names = _write(items, Path(tmp))
        cmd = [str(VENV_BIN / "bandit"), "-q", "-r", "-t", "B608", "-f", "json", tmp]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"bandit failed: {proc.stderr.strip()[:300]}")
        results = json.loads(proc.stdout)["results"]
        return {names[str(Path(r["filename"]).resolve())] for r in results}


def baselines(grader: str, items: list[Item]) -> dict[str, dict[str, Scores]]:
    """The other tools' scores on the same items, for grader ``grader``."""
    if grader == "sql_construction":
        return {
            "ruff S608": score(items, flagged_by_ruff(items)),
            "bandit B608": score(items, flagged_by_bandit(items)),
        }
    return {"ruff BLE/S110/TRY...": score(items, flagged_by_ruff(items, RUFF_TYPED))}


def table(rows: dict[str, dict[str, Scores]]) -> str:
    """A text table: one line per (source, tool) with n, P and R."""
    sources = sorted({s for per in rows.values() for s in per}, key=lambda s: (s == "pooled", s))
    lines = [f"{'source':<27}{'tool':<22}{'n':>5}{'P':>8}{'R':>8}"]
    for source in sources:
        for tool, per in rows.items():
            s = per.get(source)
            if s is not None:
                # "-": no item of that source was flagged (P) or is bad (R).
                p = f"{s.precision:>8.3f}" if s.tp + s.fp else f"{'-':>8}"
                r = f"{s.recall:>8.3f}" if s.tp + s.fn else f"{'-':>8}"
                lines.append(f"{source[:26]:<27}{tool:<22}{s.n:>5}{p}{r}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "heldout", "all"])
    parser.add_argument("--grader", default="sql_construction")
    parser.add_argument("--mistakes", action="store_true")
    args = parser.parse_args()
    items = load_items(args.grader, None if args.split == "all" else args.split)
    ours = flagged_by_grader(args.grader, items)
    rows = {args.grader: score(items, set(ours))}
    rows.update(baselines(args.grader, items))
    print(f"{args.grader}, split={args.split}, {len(items)} items")
    print(table(rows))
    if args.mistakes:
        for item in items:
            flagged = item.id in ours
            if flagged != (item.label == "bad"):
                print(f"\n== {item.label} {'FP' if flagged else 'FN'} {item.id}")
                print(f"   label: {item.label_source}; ours: {ours.get(item.id, '')[:200]}")
                print("   " + item.text.replace("\n", "\n   "))


if __name__ == "__main__":
    main()
