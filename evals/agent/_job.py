"""What the runner hands an agent provider (:class:`AgentJob`), what it gets back
(:class:`AgentResult`), and the per-sample workspace both sides agree on."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from evals.errors import ProviderError
from evals.log import Trajectory, append_trajectory
from evals.providers._base import BaseProvider
from evals.schema import Usage

if TYPE_CHECKING:
    from evals.persona import Persona
    from evals.providers import ProviderRequest, ProviderResponse
    from evals.tasks import Task

__all__ = [
    "AGENT_CONTRACT",
    "AgentBase",
    "AgentJob",
    "AgentProvider",
    "AgentResult",
    "new_attempt",
    "read_workspace",
    "write_files",
]

#: Replaces the single-turn output contract: the agent edits files in place.
AGENT_CONTRACT = """\
## How to work
You are in the project folder (your current working directory). Create or edit the
files there with your tools; run what you need. Your work is graded from the files in
this folder when you stop. When you are done, reply with a one-paragraph summary."""

#: Folders of the workspace that are tool state, not the candidate's answer.
_SKIP = {".claude", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".git"}
_MAX_FILE_BYTES = 1_000_000
_MAX_FILES = 400


@dataclass(frozen=True)
class AgentJob:
    """One agent sample to solve."""

    sample_id: str
    task: Task
    persona: Persona
    prompt: str
    epoch: int = 0
    pressure: str | None = None


@dataclass
class AgentResult:
    """The agent's final workspace and what it did."""

    files: dict[str, str]
    trajectory: Trajectory
    usage: Usage = field(default_factory=Usage)
    cost_usd: float = 0.0
    latency_s: float = 0.0
    #: None when the agent ran; else one line saying what infrastructure failed.
    infra_error: str | None = None
    stop_reason: str | None = None
    notes: list[str] = field(default_factory=list)


@runtime_checkable
class AgentProvider(Protocol):
    """A candidate that solves a task by acting in a workspace (``claude-code/``, ``agent/``)."""

    name: str

    async def solve(self, job: AgentJob) -> AgentResult: ...


class AgentBase(BaseProvider):
    """What every agent candidate shares: no single-turn ``generate``, and one way to
    hand back a finished sample (its trajectory appended to the run, then the result)."""

    supports_pressure = True

    def __init__(self, name: str, *, state_dir: Path | None) -> None:
        super().__init__(name)
        #: The run directory: trajectories are appended there (None: not recorded).
        self.state_dir = state_dir

    async def generate(self, request: ProviderRequest) -> ProviderResponse:
        raise ProviderError(f"{self.name} is an agent: it solves tasks through the runner")

    def finish(
        self,
        trajectory: Trajectory,
        files: dict[str, str],
        *,
        infra_error: str | None,
        stop_reason: str | None,
    ) -> AgentResult:
        """Record ``trajectory`` in the run and return the sample's result."""
        if self.state_dir is not None:
            append_trajectory(self.state_dir, trajectory)
        if trajectory.capped:
            stop_reason = f"cap:{trajectory.capped}"
        return AgentResult(
            files=files,
            trajectory=trajectory,
            usage=trajectory.usage,
            cost_usd=trajectory.cost_usd,
            latency_s=trajectory.wall_s,
            infra_error=infra_error,
            stop_reason=stop_reason,
            notes=trajectory.notes,
        )


def new_attempt() -> str:
    """A fresh id for one attempt at a sample (links the sample to its trajectory)."""
    return uuid.uuid4().hex[:16]


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (relative posix path -> text) below ``root``."""
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def read_workspace(root: Path) -> tuple[dict[str, str], list[str]]:
    """The workspace's text files (tool state skipped) and notes on what was left out.

    Symlinks are never followed (an agent could point one at a host file the harness
    can read); binary, oversized and surplus files are listed in the notes instead.
    """
    files: dict[str, str] = {}
    notes: list[str] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part in _SKIP for part in rel.parts):
            continue
        if not path.is_symlink() and path.is_dir():
            continue
        if path.is_symlink() or not path.is_file():
            notes.append(f"skipped {rel.as_posix()}: not a regular file")
            continue
        if path.stat().st_size > _MAX_FILE_BYTES:
            notes.append(f"skipped {rel.as_posix()}: larger than {_MAX_FILE_BYTES} bytes")
            continue
        if len(files) >= _MAX_FILES:
            notes.append(f"skipped {rel.as_posix()}: more than {_MAX_FILES} files")
            continue
        try:
            files[rel.as_posix()] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            notes.append(f"skipped {rel.as_posix()}: not UTF-8 text")
    return files, notes
