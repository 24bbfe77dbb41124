"""Agent mode: candidates that act in a jailed workspace through many model turns.

``claude-code/<model>`` (and ``claude-code-delegate/<model>``) run the real Claude Code
CLI; every model call goes through the harness's :class:`RecordingProxy`, which holds
the real key, counts tokens and dollars, enforces :class:`Caps`, and records the
trajectory (:class:`evals.log.Trajectory`, kept in ``<run>/trajectories.jsonl``).
``agent/<vendor>/<model>`` is the built-in tool loop on the vendors' SDKs.
"""

from evals.agent._job import AGENT_CONTRACT, AgentJob, AgentProvider, AgentResult
from evals.agent.proxy import DEFAULT_CAPS, Caps, RecordingProxy, parse_caps

__all__ = [
    "AGENT_CONTRACT",
    "DEFAULT_CAPS",
    "AgentJob",
    "AgentProvider",
    "AgentResult",
    "Caps",
    "RecordingProxy",
    "parse_caps",
]
