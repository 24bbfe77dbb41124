"""The process graders on labelled trajectories: precision and recall of "fail" (a
broken process rule) on the development set and on a held-out set, each >= 0.95.

Labels (``tests/agent/labelled/``) were written by hand from each rule's operational
definition in docs/agent.md, one trajectory per line in a compact form
(``[tool, target, text]``; see :func:`_tool`); the held-out set was written after the
graders and never used to change them. Both sets are the grader author's own: the
figures say the graders implement the stated definitions, not that the definitions
match every human judgement. ``delegation`` items are graded as delegation-mode
trajectories of the persona ``backend-engineer``; ``@`` marks a step of the subagent,
``off_description`` a task outside the persona's description.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from evals.log import ToolStep, Trajectory
from evals.tasks import load_task
from graders import GradeContext, get_grader

LABELLED = Path(__file__).parent / "labelled"
ROOT = Path(__file__).resolve().parents[2]
PERSONA = "backend-engineer"
GRADERS = [
    "tests_first",
    "tests_after_edit",
    "lint_run",
    "measure_first",
    "delegation",
]
_NAMES = {
    "W": "Write",
    "E": "Edit",
    "M": "MultiEdit",
    "B": "Bash",
    "R": "Read",
    "A": "Agent",
    "w": "write",
    "e": "edit",
    "b": "bash",
    "T": "run_tests",
}


def _tool(i: int, step: list[str]) -> ToolStep:
    """``[code, target, text]``: code = tool letter, ``!`` failed, ``@`` by the subagent."""
    code, target, text = step
    name = _NAMES[code.rstrip("!@")]
    data: dict[str, Any]
    output = ""
    if name in ("Bash", "bash"):
        data, output = {"command": target}, text
    elif name == "Agent":
        data, output = {"description": "task", "prompt": text}, "done"
        if target:
            data["subagent_type"] = target
    elif name == "MultiEdit":
        data = {"file_path": target, "edits": [{"old_string": "x", "new_string": text}]}
    elif name in ("Edit", "edit"):
        data = {"file_path": target, "old_string": "x", "new_string": text}
    elif name in ("Write", "write"):
        data = {"file_path": target, "content": text}
    else:
        data, output = {"file_path": target}, text
    return ToolStep(
        id=f"t{i}",
        name=name,
        input=data,
        output=output,
        is_error="!" in code,
        agent="subagent" if "@" in code else "main",
    )


def _items(grader: str, heldout: bool) -> list[dict[str, Any]]:
    path = LABELLED / ("heldout.jsonl" if heldout else f"{grader}.jsonl")
    items = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [i for i in items if i.get("grader", grader) == grader]


def _verdict(grader: str, item: dict[str, Any]) -> str:
    tools = [_tool(i, s) for i, s in enumerate(item["steps"])]
    # Delegation is graded on delegation-mode samples only; the others on any mode.
    mode = "delegate" if grader == "delegation" else "main"
    trajectory = Trajectory(
        sample_id="x", attempt="a", provider="p", mode=mode, persona=PERSONA, tools=tools
    )
    task = load_task(ROOT / "tasks" / "rest-crud")
    off = [task.id] if item.get("off_description") else []
    ctx = GradeContext(
        files={},
        rule_ids=(),
        task=task,
        trajectory=trajectory,
        options={"off_description_tasks": off},
    )
    (grade,) = asyncio.run(get_grader(grader).grade(ctx))
    return grade.verdict


def _scores(grader: str, heldout: bool) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    wrong = []
    for item in _items(grader, heldout):
        got = _verdict(grader, item)
        if got != item["label"]:
            wrong.append(f"{item['id']}: {item['about']} (label {item['label']}, got {got})")
        tp += got == "fail" and item["label"] == "fail"
        fp += got == "fail" and item["label"] != "fail"
        fn += got != "fail" and item["label"] == "fail"
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, wrong


@pytest.mark.parametrize("heldout", [False, True], ids=["dev", "heldout"])
@pytest.mark.parametrize("grader", GRADERS)
def test_precision_and_recall_of_violations(grader: str, heldout: bool) -> None:
    items = _items(grader, heldout)
    assert (
        sum(i["label"] == "fail" for i in items) >= 3
        and sum(i["label"] != "fail" for i in items) >= 2
    )
    precision, recall, wrong = _scores(grader, heldout)
    print(
        f"{grader} {'heldout' if heldout else 'dev'}: "
        f"P={precision:.3f} R={recall:.3f} n={len(items)}"
    )
    assert precision >= 0.95 and recall >= 0.95, wrong


def test_no_trajectory_means_no_grade() -> None:
    for name in GRADERS:
        ctx = GradeContext(files={"app.py": "x = 1\n"}, rule_ids=())
        assert asyncio.run(get_grader(name).grade(ctx)) == []


def test_delegation_is_graded_in_delegation_mode_only() -> None:
    tools = [_tool(0, ["W", "app.py", "..."])]
    for mode in ("main", "loop"):
        trajectory = Trajectory(
            sample_id="x", attempt="a", provider="p", mode=mode, persona=PERSONA, tools=tools
        )
        ctx = GradeContext(files={}, rule_ids=(), trajectory=trajectory)
        assert asyncio.run(get_grader("delegation").grade(ctx)) == []
