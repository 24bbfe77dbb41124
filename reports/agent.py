"""Agent runs in the reports: per-sample turns, tokens, cost and wall time; process rules
beside code rules; and each drilled-down sample's trajectory timeline.

Everything here reads the run directory through :mod:`evals.log` (``samples.jsonl`` and
``trajectories.jsonl``); a run without agent samples yields ``None`` / empty values, so
single-turn scorecards are unchanged.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from evals.log import TRAJECTORIES, Trajectory, iter_samples, read_trajectories

__all__ = ["PROCESS_GRADERS", "agent_section", "base_model", "timelines"]

#: Graders that read the trajectory (process rules) rather than the files (code rules).
PROCESS_GRADERS = (
    "tests_first",
    "tests_after_edit",
    "lint_run",
    "measure_first",
    "delegation",
)
_MAX_ROWS = 200
_MAX_STEPS = 120


_AGENT_KINDS = {"claude-code": "anthropic", "claude-code-delegate": "anthropic"}


def base_model(name: str) -> str:
    """The single-turn candidate an agent candidate runs on.

    ``claude-code/m`` and ``claude-code-delegate/m`` -> ``anthropic/m``;
    ``agent/<vendor>/m`` -> ``<vendor>/m``; anything else unchanged.
    """
    kind, sep, rest = name.partition("/")
    if sep and kind in _AGENT_KINDS:
        return f"{_AGENT_KINDS[kind]}/{rest}"
    if sep and kind == "agent" and "/" in rest:
        return rest
    return name


def _is_agent_run(run_dir: Path) -> bool:
    return (run_dir / TRAJECTORIES).exists()


def agent_section(run_dir: Path) -> dict[str, Any] | None:
    """The scorecard's agent section, or None for a run without agent samples.

    Returns:
        ``samples``: one row per agent sample (model, task, turns, tool calls, tokens,
        cost, wall seconds, capped, delegated); ``rules``: per rule with both kinds of
        grade, the pass rate by code graders and by process graders; ``totals``.
    """
    run_dir = Path(run_dir)
    if not _is_agent_run(run_dir):
        return None
    rows: list[dict[str, Any]] = []
    tally: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: {"code": [0, 0], "process": [0, 0]}
    )
    for _, sample in iter_samples(run_dir):
        if sample.agent is None:
            continue
        a = sample.agent
        rows.append(
            {
                "sample_id": sample.sample_id,
                "model": sample.model,
                "task": sample.task_id,
                "status": sample.status,
                "mode": a.get("mode"),
                "turns": int(a.get("turns") or 0),
                "tool_calls": int(a.get("tool_calls") or 0),
                "tokens": int(a.get("tokens") or 0),
                "cost": float(a.get("cost_usd") or 0.0),
                "wall_s": float(a.get("wall_s") or 0.0),
                "capped": a.get("capped"),
                "delegated": a.get("delegated"),
            }
        )
        for grade in sample.grades if sample.status == "ok" else []:
            if grade.verdict not in ("pass", "fail"):
                continue
            side = "process" if grade.grader in PROCESS_GRADERS else "code"
            for rule in grade.rule_ids:
                tally[rule][side][0] += grade.verdict == "pass"
                tally[rule][side][1] += 1
    rules = [
        {
            "rule": rule,
            "code": _rate(sides["code"]),
            "process": _rate(sides["process"]),
        }
        for rule, sides in sorted(tally.items())
        if sides["process"][1]
    ]
    ok = [r for r in rows if r["status"] == "ok"]
    delegate = [r for r in ok if r["delegated"] is not None]
    totals = {
        "samples": len(rows),
        "turns": sum(r["turns"] for r in ok),
        "tokens": sum(r["tokens"] for r in ok),
        "cost": sum(r["cost"] for r in rows),
        "wall_s": sum(r["wall_s"] for r in ok),
        "capped": sum(1 for r in ok if r["capped"]),
        "delegation_rate": _rate([sum(bool(r["delegated"]) for r in delegate), len(delegate)]),
    }
    return {
        "samples": rows[:_MAX_ROWS],
        "hidden": max(0, len(rows) - _MAX_ROWS),
        "rules": rules,
        "totals": totals,
    }


def _rate(pair: list[int]) -> dict[str, Any] | None:
    passed, n = pair
    return {"passed": passed, "n": n, "rate": passed / n} if n else None


def _step(kind: str, t: float, agent: str, name: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "t": t, "agent": agent, "name": name, "detail": detail[:200], **extra}


def _timeline(traj: Trajectory) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    by_turn = defaultdict(list)
    for tool in traj.tools:
        by_turn[tool.turn].append(tool)
    for turn in traj.turns:
        rows.append(
            _step(
                "turn",
                turn.started_s,
                turn.agent,
                turn.model,
                turn.text or (turn.error or ""),
                duration=turn.duration_s,
                tokens=turn.usage.total_tokens,
                cost=turn.cost_usd,
                error=turn.status >= 400,
            )
        )
        for tool in by_turn.get(turn.index, []):
            detail = str(tool.input.get("command") or tool.input.get("file_path") or "")
            detail = detail or str(tool.input.get("path") or json.dumps(tool.input)[:200])
            rows.append(
                _step(
                    "tool",
                    tool.started_s or turn.started_s,
                    tool.agent,
                    tool.name,
                    detail,
                    duration=tool.duration_s,
                    output=tool.output[:400],
                    error=tool.is_error,
                )
            )
    return rows[:_MAX_STEPS]


def timelines(run_dir: Path, wanted: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Timeline rows of the trajectories ``{sample_id: attempt}`` names (drill-down)."""
    run_dir = Path(run_dir)
    if not wanted or not _is_agent_run(run_dir):
        return {}
    found = read_trajectories(run_dir)
    out = {}
    for sample_id, attempt in wanted.items():
        traj = found.get((sample_id, attempt))
        if traj is not None:
            out[sample_id] = _timeline(traj)
    return out
