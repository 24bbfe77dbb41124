"""The built-in loop's tools: ``bash``, ``read``, ``write``, ``edit``, ``run_tests``.

``bash`` and ``run_tests`` run each command in a fresh bubblewrap jail over the sample's
workspace (:mod:`._jail`, no relay: no network at all), under a per-command timeout and
an output cap. ``read``/``write``/``edit`` are file operations the harness does on the
workspace itself, so they refuse any path that leaves it, symlinks included (a command
may plant ``ln -s /etc/passwd x``; the harness must never read through it). Commands
never run while a file operation does: the loop runs tools one at a time and each jail
dies with its command.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.agent._jail import (
    AGENT_LIMITS,
    HOME,
    JailUser,
    JailWatch,
    jail_argv,
    kill_jail,
    spawn_jailed,
)
from evals.sandbox import Limits
from evals.sandbox.runtime import Runtime

__all__ = ["TOOL_SPECS", "Workspace"]

_OUTPUT_CAP = 30_000
_PATH = {"path": {"type": "string", "description": "File path relative to the project folder."}}
TOOL_SPECS: tuple[dict[str, Any], ...] = (
    {
        "name": "bash",
        "description": "Run a shell command in the project folder (no network). Returns its "
        "exit code and output.",
        "input_schema": {
            "type": "object",
            "properties": {"command": {"type": "string"}},
            "required": ["command"],
        },
    },
    {
        "name": "read",
        "description": "Read a file of the project.",
        "input_schema": {"type": "object", "properties": _PATH, "required": ["path"]},
    },
    {
        "name": "write",
        "description": "Create or overwrite a file with the given content.",
        "input_schema": {
            "type": "object",
            "properties": {**_PATH, "content": {"type": "string"}},
            "required": ["path", "content"],
        },
    },
    {
        "name": "edit",
        "description": "Replace the one occurrence of old_string in a file by new_string.",
        "input_schema": {
            "type": "object",
            "properties": {
                **_PATH,
                "old_string": {"type": "string"},
                "new_string": {"type": "string"},
            },
            "required": ["path", "old_string", "new_string"],
        },
    },
    {
        "name": "run_tests",
        "description": "Run the project's tests with pytest; returns the summary.",
        "input_schema": {"type": "object", "properties": {}},
    },
)


class ToolError(Exception):
    """A tool call the agent got wrong (the message goes back to the model)."""


@dataclass
class Workspace:
    """The sample's workspace and the jail its commands run in."""

    root: Path
    home: Path
    runtime: Runtime
    programs: dict[str, Path]
    command_timeout_s: float = 120.0
    #: Whole-tree memory/process and disk limits of each command (:class:`JailWatch`).
    limits: Limits = AGENT_LIMITS
    #: Whose uid the commands run as; files the harness writes are handed to it.
    user: JailUser = field(default_factory=JailUser)

    def _file(self, rel: Any) -> Path:
        if not isinstance(rel, str) or not rel or "\0" in rel:
            raise ToolError("path must be a non-empty string")
        root = self.root.resolve()
        target = (root / rel.removeprefix("/tmp/workspace/")).resolve()
        if not target.is_relative_to(root) or target == root:
            raise ToolError(f"{rel}: outside the project folder")
        return target

    async def run(self, name: str, data: dict[str, Any]) -> tuple[str, bool]:
        """Run one tool call; returns ``(output, is_error)``."""
        try:
            if name == "bash":
                return await self._command(str(data.get("command", "")))
            if name == "run_tests":
                return await self._command(
                    "python -m pytest -q -p no:cacheprovider 2>&1 | tail -30"
                )
            if name == "read":
                return self._file(data.get("path")).read_text(encoding="utf-8")[:_OUTPUT_CAP], False
            if name == "write":
                path = self._file(data.get("path"))
                made = [p for p in path.parents if not p.exists()]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(str(data.get("content", "")), encoding="utf-8")
                self.user.own(path, *made)
                return f"wrote {path.relative_to(self.root.resolve())}", False
            if name == "edit":
                return self._edit(data), False
        except ToolError as exc:
            return str(exc), True
        except (OSError, UnicodeDecodeError) as exc:
            return f"{type(exc).__name__}: {exc}", True
        return f"unknown tool {name!r}", True

    def _edit(self, data: dict[str, Any]) -> str:
        path = self._file(data.get("path"))
        old, new = str(data.get("old_string", "")), str(data.get("new_string", ""))
        text = path.read_text(encoding="utf-8")
        if not old or text.count(old) != 1:
            raise ToolError(f"old_string must occur exactly once (found {text.count(old)})")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return f"edited {path.relative_to(self.root.resolve())}"

    async def _command(self, command: str) -> tuple[str, bool]:
        argv = jail_argv(
            ["/bin/sh", "-c", command],
            runtime=self.runtime,
            workspace=self.root,
            home=self.home,
            socket_dir=None,
            programs=self.programs,
            env={"HOME": HOME},
            user=self.user,
            limits=self.limits,
        )
        proc = await spawn_jailed(
            argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )

        def kill(_: str) -> None:
            kill_jail(proc)

        watch = JailWatch(self.limits, (self.root, self.home))
        watcher = asyncio.ensure_future(watch.run(proc, kill))
        try:
            out, _ = await asyncio.wait_for(proc.communicate(), self.command_timeout_s)
        except TimeoutError:
            kill("timeout")
            await proc.wait()
            return f"killed after {self.command_timeout_s:.0f} s", True
        finally:
            watcher.cancel()
        if watch.hit is not None:
            return f"killed: {watch.note}", True
        text = out.decode("utf-8", "replace")
        if len(text) > _OUTPUT_CAP:
            text = text[:_OUTPUT_CAP] + f"\n…[cut {len(text) - _OUTPUT_CAP} chars]"
        return f"exit code {proc.returncode}\n{text}", proc.returncode != 0


def programs() -> dict[str, Path]:
    """Programs bound into every jail besides the runtime (``ruff``)."""
    import sys

    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    return {"ruff": Path(ruff)} if ruff and os.path.isfile(ruff) else {}
