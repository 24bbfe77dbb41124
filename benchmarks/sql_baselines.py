"""Side by side: ruff S608, bandit B608 and our ``sql_construction`` on the same examples.

Runs each tool over ``tests/graders/examples/sql_construction/{good,bad}`` and prints
precision, recall and F1 per tool (a sample counts as flagged when the tool reports
anything in it; ``bad`` samples are the positives). Then times the
``sql_construction`` and ``typed_errors`` graders in process on a ~300-line sample.

Usage::

    .venv/bin/python benchmarks/sql_baselines.py [--examples DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graders._accuracy import DEFAULT_EXAMPLES, load_examples  # noqa: E402
from graders._base import GradeContext  # noqa: E402
from graders.sql_construction import SqlConstructionGrader  # noqa: E402
from graders.typed_errors import TypedErrorsGrader  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"


def _ruff_flagged(folder: Path) -> set[str]:
    # --isolated: the project config excludes the examples folder from linting.
    cmd = [
        str(VENV_BIN / "ruff"),
        "check",
        "--isolated",
        "--select",
        "S608",
        "--output-format",
        "json",
        "--exit-zero",
        str(folder),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return {str(Path(item["filename"]).resolve()) for item in json.loads(out)}


def _bandit_flagged(folder: Path) -> set[str]:
    cmd = [str(VENV_BIN / "bandit"), "-q", "-r", "-t", "B608", "-f", "json", str(folder)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bandit failed: {proc.stderr.strip()}")
    return {str(Path(r["filename"]).resolve()) for r in json.loads(proc.stdout)["results"]}


def _ours_flagged(examples: list[tuple[str, Path]]) -> set[str]:
    grader = SqlConstructionGrader()
    flagged: set[str] = set()
    for _, path in examples:
        ctx = GradeContext(files={path.name: path.read_text(encoding="utf-8")}, rule_ids=())
        if any(g.verdict == "fail" for g in grader.check(ctx)):
            flagged.add(str(path.resolve()))
    return flagged


def _scores(flagged: set[str], examples: list[tuple[str, Path]]) -> tuple[float, float, float]:
    tp = sum(1 for label, p in examples if label == "bad" and str(p.resolve()) in flagged)
    fp = sum(1 for label, p in examples if label == "good" and str(p.resolve()) in flagged)
    fn = sum(1 for label, p in examples if label == "bad" and str(p.resolve()) not in flagged)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _sample_300_lines(examples: list[tuple[str, Path]]) -> str:
    chunks: list[str] = []
    lines = 0
    for _, path in examples:
        text = path.read_text(encoding="utf-8")
        chunks.append(text)
        lines += text.count("\n")
        if lines >= 300:
            break
    return "\n\n".join(chunks)


def _time_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=DEFAULT_EXAMPLES)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    examples = load_examples("sql_construction", args.examples)
    folder = args.examples / "sql_construction"
    n_bad = sum(1 for label, _ in examples if label == "bad")
    print(f"sql_construction examples: {n_bad} bad, {len(examples) - n_bad} good\n")
    print(f"{'tool':<28}{'precision':>10}{'recall':>10}{'F1':>10}")
    for name, flagged in (
        ("ruff S608", _ruff_flagged(folder)),
        ("bandit B608", _bandit_flagged(folder)),
        ("sql_construction (ours)", _ours_flagged(examples)),
    ):
        p, r, f = _scores(flagged, examples)
        print(f"{name:<28}{p:>10.3f}{r:>10.3f}{f:>10.3f}")

    pool = examples + load_examples("typed_errors", args.examples)
    sample = _sample_300_lines(pool[::3])
    ctx = GradeContext(files={"service.py": sample}, rule_ids=())
    sql, typed = SqlConstructionGrader(), TypedErrorsGrader()
    print(f"\nspeed on a {sample.count(chr(10))}-line file (median of {args.runs} runs):")
    t_sql = _time_ms(lambda: sql.check(ctx), args.runs)
    t_typed = _time_ms(lambda: typed.check(ctx), args.runs)
    print(f"  sql_construction {t_sql:6.1f} ms")
    print(f"  typed_errors     {t_typed:6.1f} ms")
    print(f"  both             {t_sql + t_typed:6.1f} ms")


if __name__ == "__main__":
    main()
