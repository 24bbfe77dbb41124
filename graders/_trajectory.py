"""Read an agent trajectory as a sequence of normalised steps: edits, test runs, commands.

Claude Code (``Write``, ``Edit``, ``MultiEdit``, ``Bash``) and the built-in loop
(``write``, ``edit``, ``bash``, ``run_tests``) name their tools differently; the process
graders only ever see :class:`Step`. A shell command that writes a Python file
(``cat > app.py <<EOF``, ``tee``, ``sed -i``, a redirect) counts as an edit of that file,
so an agent cannot dodge the process rules by editing through the shell.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Step", "is_test_path", "pytest_outcome", "steps_of"]

_EDIT_TOOLS = {"write", "edit", "multiedit", "notebookedit", "str_replace", "create"}
_SHELL_TOOLS = {"bash", "shell"}
_SHELL_WRITE = re.compile(
    r"(?:>>?|\btee(?:\s+-a)?|\bsed\s+-i\S*(?:\s+'[^']*'|\s+\"[^\"]*\"|\s+\S+)*?)\s+"
    r"['\"]?([\w./-]+\.py)\b"
)
_PYTEST = re.compile(r"(?:^|[\s;&|(])(?:python[\d.]*\s+-m\s+)?pytest\b|\brun_tests\b")
_SUMMARY = re.compile(r"\b(\d+) (passed|failed|errors?|error)\b")


@dataclass(frozen=True)
class Step:
    """One normalised tool call."""

    index: int
    #: ``edit`` (a file written), ``test`` (a test run), ``command`` (any other shell
    #: command), or ``other`` (reads, searches, delegation).
    kind: str
    #: Edited file (``edit``), or the command line (``test``/``command``).
    target: str
    #: New text written (``edit``), or what the tool printed (``test``/``command``).
    text: str
    is_error: bool = False
    #: A fresh file (``Write``/``create``) rather than a change to an existing one.
    creates: bool = False


def is_test_path(path: str) -> bool:
    """``test_*.py``, ``*_test.py``, ``conftest.py`` or any ``.py`` under a ``tests`` folder."""
    name = posixpath.basename(path)
    parts = path.replace("\\", "/").split("/")
    return name.endswith(".py") and (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(p in ("tests", "test") for p in parts[:-1])
    )


def _edit_text(data: dict[str, Any]) -> str:
    if isinstance(data.get("content"), str):
        return str(data["content"])
    if isinstance(data.get("new_string"), str):
        return str(data["new_string"])
    if isinstance(data.get("new_str"), str):
        return str(data["new_str"])
    edits = data.get("edits")
    if isinstance(edits, list):
        return "\n".join(str(e.get("new_string", "")) for e in edits if isinstance(e, dict))
    return ""


def _path(data: dict[str, Any]) -> str:
    for key in ("file_path", "path", "notebook_path", "filename"):
        if isinstance(data.get(key), str):
            return str(data[key])
    return ""


def steps_of(trajectory: Any) -> list[Step]:
    """The trajectory's tool calls as :class:`Step` s, in order (``tools`` of any object)."""
    steps: list[Step] = []
    for tool in getattr(trajectory, "tools", None) or []:
        name = str(getattr(tool, "name", "")).lower()
        data = getattr(tool, "input", None) or {}
        output = str(getattr(tool, "output", "") or "")
        error = bool(getattr(tool, "is_error", False))
        i = len(steps)
        if name in _EDIT_TOOLS:
            creates = name in ("write", "create")
            steps.append(Step(i, "edit", _path(data), _edit_text(data), error, creates))
        elif name == "run_tests":
            steps.append(Step(i, "test", "run_tests", output, error))
        elif name in _SHELL_TOOLS:
            command = str(data.get("command", ""))
            for written in _SHELL_WRITE.findall(command):
                steps.append(Step(len(steps), "edit", written, command, False, False))
            kind = "test" if _PYTEST.search(command) else "command"
            steps.append(Step(len(steps), kind, command, output, error))
        else:
            steps.append(Step(i, "other", name, output, error))
    return steps


def pytest_outcome(step: Step) -> bool | None:
    """True when a test run's output shows passed tests and no failures or errors;
    False when it shows failures, errors or none collected; None when it shows no
    pytest summary at all (e.g. the output was cut off)."""
    if step.is_error:
        return False
    counts = {kind.rstrip("s"): int(n) for n, kind in _SUMMARY.findall(step.text)}
    if "no tests ran" in step.text or "collected 0 items" in step.text:
        return False
    if not counts:
        return None
    return counts.get("passed", 0) > 0 and not counts.get("failed") and not counts.get("error")
