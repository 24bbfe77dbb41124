"""Hugging Face ``datasets`` interchange for a suite.

``export_hf`` writes ``<dir>/data/train.parquet`` (one row per task) and a dataset card
``<dir>/README.md``. Hidden tests and gold/flawed files are left out unless
``include_hidden``; a suite loaded from such an export can still be run, and tasks
without hidden tests are graded by the static graders only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.errors import TaskError
from evals.tasks._load import Suite, Task
from evals.tasks._patch import make_patch
from evals.tasks._schema import TaskSpec

__all__ = ["export_hf", "load_hf_suite"]

_CARD = """\
---
license: mit
task_categories:
- text-generation
tags:
- code
- persona-evals
configs:
- config_name: default
  data_files: data/train.parquet
---
# persona-evals suite

{n} backend coding tasks exported by `evals tasks export --format hf`.
Suite sha256: `{sha}`. Hidden tests and gold files included: **{hidden}**.

| column | meaning |
| --- | --- |
| id, title, difficulty, tags, rules | task metadata; `rules` are persona rule ids the task tempts |
| spec | the full `task.yaml` as JSON |
| prompt_template | the jinja2 prompt template |
| starter | JSON object: path -> text shown to the model |
| hidden_tests, solution, flawed | JSON; empty unless exported with `--include-hidden` |
| flawed_patches | JSON: variant -> unified diff against `solution` (what `flawed` holds, applied) |

Load it offline with `evals run --suite <this folder>`.
"""


def _require_datasets() -> Any:
    try:
        import datasets
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise TaskError(
            "the HF interchange needs `datasets`: pip install 'persona-evals[hf]'"
        ) from exc
    return datasets


def export_hf(suite: Suite, out: Path, *, include_hidden: bool = False) -> Path:
    """Write the suite as a Hugging Face dataset folder; return the parquet path."""
    datasets = _require_datasets()
    rows = []
    for task in suite.tasks:
        rows.append(
            {
                "id": task.id,
                "title": task.spec.title,
                "difficulty": task.spec.difficulty,
                "tags": list(task.spec.tags),
                "rules": list(task.spec.rules),
                "spec": task.spec.model_dump_json(),
                "prompt_template": task.prompt_template,
                "starter": json.dumps(task.starter),
                "hidden_tests": json.dumps(task.hidden_tests if include_hidden else {}),
                "solution": json.dumps(task.solution if include_hidden else {}),
                "flawed": json.dumps(task.flawed if include_hidden else {}),
                "flawed_patches": json.dumps(dict(task.patches) if include_hidden else {}),
            }
        )
    (out / "data").mkdir(parents=True, exist_ok=True)
    parquet = out / "data" / "train.parquet"
    datasets.Dataset.from_list(rows).to_parquet(str(parquet))
    (out / "README.md").write_text(
        _CARD.format(n=len(rows), sha=suite.sha, hidden="yes" if include_hidden else "no"),
        encoding="utf-8",
    )
    return parquet


def _patches(row: dict[str, Any], solution: dict[str, str]) -> dict[str, str]:
    """The variants' patches; exports older than ``flawed_patches`` hold files only."""
    if row.get("flawed_patches"):
        patches: dict[str, str] = json.loads(row["flawed_patches"])
        return patches
    flawed: dict[str, dict[str, str]] = json.loads(row.get("flawed") or "{}")
    return {name: make_patch(solution, files) for name, files in flawed.items()}


def load_hf_suite(root: Path) -> Suite:
    """Load a folder written by :func:`export_hf` (offline)."""
    datasets = _require_datasets()
    files = sorted(str(p) for p in root.glob("data/*.parquet")) or sorted(
        str(p) for p in root.glob("*.parquet")
    )
    if not files:
        raise TaskError("no parquet files (expected data/*.parquet)", path=root)
    table = datasets.load_dataset("parquet", data_files=files, split="train")
    tasks = []
    for row in table:
        where = f"{root}:{row.get('id', '?')}"
        try:
            spec = TaskSpec.model_validate_json(row["spec"])
            solution = json.loads(row["solution"])
            patches = _patches(row, solution)
            if not patches:
                spec = spec.model_copy(update={"flawed": {}})
            tasks.append(
                Task(
                    spec=spec,
                    path=root / spec.id,
                    prompt_template=row["prompt_template"],
                    starter=json.loads(row["starter"]),
                    hidden_tests=json.loads(row["hidden_tests"]),
                    solution=solution,
                    patches=patches,
                )
            )
        except (KeyError, ValueError) as exc:
            raise TaskError(f"invalid exported task row: {exc}", path=where) from exc
    if not tasks:
        raise TaskError("the dataset holds no tasks", path=root)
    return Suite(path=root, tasks=tuple(sorted(tasks, key=lambda t: t.id)))
