"""Where a run goes and what it came from: run directories, git commit, resume options."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

from evals.errors import ConfigError, EvalsError
from evals.log import read_manifest
from evals.runner._config import EXECUTION_OPTIONS, RunConfig

__all__ = ["git_commit", "model_family", "new_run_dir", "resume_config"]


def new_run_dir(runs_dir: str | Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path(runs_dir) / stamp
    path, n = base, 1
    while path.exists():
        n += 1
        path = Path(f"{base}-{n}")
    return path


def git_commit(cwd: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def model_family(model: str) -> str:
    name = model.split("/", 1)[-1].lower()
    for family in ("claude", "gpt", "gemini", "llama", "mistral", "qwen", "deepseek"):
        if family in name:
            return family
    return name.split("-", 1)[0]


def resume_config(run_dir: Path, overrides: dict[str, Any]) -> RunConfig:
    """The config a run was started with, with a few safe overrides (budget, concurrency)."""
    manifest = read_manifest(run_dir)
    try:
        config = RunConfig.model_validate(manifest.options)
    except Exception as exc:
        raise EvalsError("manifest options are not a valid run config", path=run_dir) from exc
    allowed = {"max_cost", "max_concurrency", "max_connections", "grade_workers", "report"}
    allowed |= EXECUTION_OPTIONS  # where samples run never changes what they compute
    bad = sorted(k for k, v in overrides.items() if v is not None and k not in allowed)
    if bad:
        raise ConfigError(
            f"cannot change {', '.join(bad)} on --resume (the plan must stay the same); "
            "start a new run instead",
            field="--resume",
        )
    return config.merged(overrides)
