"""Render a task's user turn: the jinja2 prompt, the starter files and the output contract."""

from __future__ import annotations

import jinja2

from evals.errors import TaskError
from evals.tasks._load import Task

__all__ = ["OUTPUT_CONTRACT", "render_prompt"]

OUTPUT_CONTRACT = """\
## How to answer
Return every file you create or change as its own fenced code block whose info string
is the language followed by `file=<relative path>`, for example:

```python file=app/service.py
# full file contents
```

Give complete files, not diffs. Paths are relative to the project root. Do not put
anything but the file's contents inside a block."""

_ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False
)


def _fence(path: str, text: str) -> str:
    lang = "python" if path.endswith(".py") else ""
    body = text if text.endswith("\n") else text + "\n"
    return f"```{lang} file={path}\n{body}```"


def render_prompt(
    task: Task, pressure: str | None = None, *, contract: str = OUTPUT_CONTRACT
) -> str:
    """Render the user turn. ``pressure`` selects a pressure variant by id.

    ``contract`` replaces the single-turn output contract (agent mode asks for files
    edited in place instead of fenced blocks).
    """
    starter_block = "\n\n".join(_fence(p, t) for p, t in task.starter.items())
    try:
        body = _ENV.from_string(task.prompt_template).render(
            task=task.spec,
            starter=task.starter,
            starter_files=starter_block,
            output_contract=contract,
        )
    except jinja2.TemplateError as exc:
        raise TaskError(f"template error: {exc}", path=task.path / "prompt.md") from exc
    parts = [body.rstrip()]
    if task.starter and "starter_files" not in task.prompt_template:
        parts.append("## Starter files\n\n" + starter_block)
    if pressure is not None:
        spec = next((p for p in task.spec.pressure if p.id == pressure), None)
        if spec is None:
            raise TaskError(f"unknown pressure variant {pressure!r}", path=task.path / "task.yaml")
        parts.append(spec.text.strip())
    if "output_contract" not in task.prompt_template:
        parts.append(contract)
    return "\n\n".join(parts) + "\n"
