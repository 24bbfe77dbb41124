"""Agent mode: candidates that act in a jailed workspace through many model turns.

``claude-code/<model>`` (and ``claude-code-delegate/<model>``) run the real Claude Code
CLI; every model call goes through the harness's :class:`RecordingProxy`, which holds
the real key, counts tokens and dollars, enforces :class:`Caps`, and records the
:class:`Trajectory` kept in ``<run>/trajectories.jsonl``.
"""

from evals.agent._job import AGENT_CONTRACT, AgentJob, AgentProvider, AgentResult
from evals.agent.proxy import DEFAULT_CAPS, Caps, RecordingProxy
from evals.log import (
    TRAJECTORIES,
    TRAJECTORY_VERSION,
    ToolStep,
    Trajectory,
    Turn,
    append_trajectory,
    read_trajectories,
)

__all__ = [
    "AGENT_CONTRACT",
    "DEFAULT_CAPS",
    "TRAJECTORIES",
    "TRAJECTORY_VERSION",
    "AgentJob",
    "AgentProvider",
    "AgentResult",
    "Caps",
    "RecordingProxy",
    "ToolStep",
    "Trajectory",
    "Turn",
    "append_trajectory",
    "read_trajectories",
]
