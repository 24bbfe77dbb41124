"""Agent trajectories: every model turn and tool call of one agent sample, versioned.

The run log's third file, read and written only here (beside ``samples.jsonl``).

A run directory keeps them beside the run log in ``trajectories.jsonl``: one
:class:`Trajectory` per line, written with one ``write`` + ``flush`` + ``fsync``,
linked to its sample by ``sample_id`` and ``attempt`` (the sample records the attempt
it was graded from, so a sample re-run on resume never points at a stale attempt).
Tool inputs and outputs are trimmed (:data:`MAX_INPUT_CHARS`, :data:`MAX_OUTPUT_CHARS`)
so a chatty agent cannot bloat the log.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evals.errors import RunLogError
from evals.log._write import write_failure
from evals.schema import Usage

__all__ = [
    "MAX_INPUT_CHARS",
    "MAX_OUTPUT_CHARS",
    "TRAJECTORIES",
    "TRAJECTORY_VERSION",
    "ToolStep",
    "Trajectory",
    "Turn",
    "append_trajectory",
    "read_trajectories",
    "trim",
    "trim_value",
]

TRAJECTORY_VERSION = 1
TRAJECTORIES = "trajectories.jsonl"
MAX_INPUT_CHARS = 4000
MAX_OUTPUT_CHARS = 4000


def trim(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n…[trimmed {len(text) - limit} chars]"


def trim_value(value: Any, limit: int = MAX_INPUT_CHARS) -> Any:
    """Every string inside ``value`` (dicts and lists too) trimmed to ``limit``."""
    if isinstance(value, str):
        return trim(value, limit)
    if isinstance(value, list):
        return [trim_value(v, limit) for v in value]
    if isinstance(value, dict):
        return {str(k): trim_value(v, limit) for k, v in value.items()}
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ToolStep(_Model):
    """One tool call: what the agent asked for, what it got back, when."""

    id: str
    #: The tool's own name (``Bash``, ``Write``, ``run_tests`` ...).
    name: str
    input: dict[str, Any] = Field(default_factory=dict)
    output: str = ""
    is_error: bool = False
    #: Index of the model turn that asked for it; ``agent`` of that turn.
    turn: int = 0
    agent: str = "main"
    #: Seconds from the sample's start to the call (its turn's end) and its duration.
    started_s: float | None = None
    duration_s: float | None = None


class Turn(_Model):
    """One model call."""

    index: int
    #: ``main`` (the parent / main thread) or ``subagent``.
    agent: str = "main"
    model: str = ""
    started_s: float = 0.0
    duration_s: float = 0.0
    status: int = 200
    stop_reason: str | None = None
    text: str = ""
    tool_use_ids: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float = 0.0
    error: str | None = None


class Trajectory(_Model):
    """Everything one agent sample did."""

    schema_version: int = TRAJECTORY_VERSION
    sample_id: str
    attempt: str
    provider: str
    #: ``main`` (persona as the main thread), ``delegate`` (parent may delegate to the
    #: persona as a subagent) or ``loop`` (the built-in tool loop).
    mode: str
    #: The persona's name (what a delegation must target).
    persona: str = ""
    started_at: str = ""
    wall_s: float = 0.0
    turns: list[Turn] = Field(default_factory=list)
    tools: list[ToolStep] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float = 0.0
    #: Which cap stopped the agent (``turns``, ``tokens``, ``dollars``, ``wall``) or None.
    capped: str | None = None
    exit_code: int | None = None
    #: Delegation mode: did the parent hand the task to the persona subagent?
    delegated: bool | None = None
    persona_loaded: bool | None = None
    final_text: str = ""
    notes: list[str] = Field(default_factory=list)
    #: Seconds the harness spent per turn outside the model and the agent (proxy, relay).
    overhead_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        """The few numbers a sample row carries (reports read these)."""
        return {
            "attempt": self.attempt,
            "mode": self.mode,
            "turns": len(self.turns),
            "tool_calls": len(self.tools),
            "tokens": self.usage.total_tokens,
            "cost_usd": round(self.cost_usd, 6),
            "wall_s": round(self.wall_s, 3),
            "capped": self.capped,
            "delegated": self.delegated,
            "persona_loaded": self.persona_loaded,
        }


def append_trajectory(run_dir: Path, trajectory: Trajectory) -> None:
    """Append one trajectory to ``<run_dir>/trajectories.jsonl`` durably.

    Raises:
        RunLogError: the write failed (one line; the file keeps only whole lines).
    """
    data = (json.dumps(trajectory.model_dump(mode="json")) + "\n").encode("ascii")
    path = Path(run_dir) / TRAJECTORIES
    try:
        with path.open("ab") as fh:
            start = fh.tell()
            try:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            except OSError:
                fh.truncate(start)
                raise
    except OSError as exc:
        raise write_failure(path, exc) from exc


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.endswith("\n"):
                yield lineno, line


def read_trajectories(run_dir: Path) -> dict[tuple[str, str], Trajectory]:
    """``(sample_id, attempt) -> Trajectory`` for every complete line (torn tail skipped).

    Raises:
        RunLogError: a line is not a trajectory, or has a newer schema version.
    """
    path = Path(run_dir) / TRAJECTORIES
    if not path.exists():
        return {}
    out: dict[tuple[str, str], Trajectory] = {}
    for lineno, line in _lines(path):
        try:
            traj = Trajectory.model_validate_json(line)
        except ValidationError as exc:
            raise RunLogError(f"line {lineno}: invalid trajectory record", path=path) from exc
        if traj.schema_version > TRAJECTORY_VERSION:
            raise RunLogError(
                f"line {lineno}: trajectory schema {traj.schema_version} is newer than this "
                f"harness ({TRAJECTORY_VERSION}); upgrade persona-evals",
                path=path,
            )
        out[(traj.sample_id, traj.attempt)] = traj
    return out
