"""Suite of tasks: ``tasks/<id>/`` folders loaded into :class:`Task` objects."""

from evals.tasks._load import Suite, Task, load_suite, load_task, read_tree
from evals.tasks._patch import apply_patch, make_patch
from evals.tasks._prompt import OUTPUT_CONTRACT, render_prompt
from evals.tasks._schema import FlawedSpec, PressureSpec, TaskSpec

__all__ = [
    "OUTPUT_CONTRACT",
    "FlawedSpec",
    "PressureSpec",
    "Suite",
    "Task",
    "TaskSpec",
    "apply_patch",
    "load_suite",
    "load_task",
    "make_patch",
    "read_tree",
    "render_prompt",
]
