"""Run options: defaults < config file (``evals.toml`` or ``[tool.evals]``) < CLI flags.

A nightly job is one declarative file::

    # evals.toml
    personas = ["personas/backend-engineer.md@HEAD", "personas/backend-engineer.md@HEAD~1"]
    models = ["anthropic/claude-sonnet-4-5"]
    epochs = 3
    judge = "openai/gpt-4.1-mini"
    max_cost = 5.0
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evals.errors import ConfigError

__all__ = ["DEFAULT_PERSONA", "EXECUTION_OPTIONS", "RunConfig", "find_config", "load_config"]

DEFAULT_PERSONA = "personas/backend-engineer.md"
#: Options that say where samples run, not what they compute: free to change on --resume.
EXECUTION_OPTIONS = frozenset(
    {"executor", "ray_address", "ray_num_cpus", "ray_memory_mb", "ray_max_retries"}
)


class RunConfig(BaseModel):
    """Every option of ``evals run``."""

    model_config = ConfigDict(extra="forbid")

    personas: list[str] = Field(default_factory=lambda: [DEFAULT_PERSONA])
    models: list[str] = Field(default_factory=lambda: ["oracle/gold"])
    suite: str = "tasks"
    tasks: list[str] = Field(default_factory=list)
    limit: int | None = Field(default=None, ge=1)
    #: Repeats of each sample; None = 1, except that a replay file plans every epoch it holds.
    epochs: int | None = Field(default=None, ge=1, le=100)
    out: str | None = None
    runs_dir: str = "runs"
    #: Samples generated and graded at once.
    max_concurrency: int = Field(default=8, ge=1, le=1024)
    #: Per-provider connection limit.
    max_connections: int = Field(default=8, ge=1, le=1024)
    #: Samples graded at once (sandbox workers); 0 = number of cores.
    grade_workers: int = Field(default=0, ge=0, le=256)
    sandbox: str = "auto"
    cache: bool = True
    cache_dir: str | None = None
    batch: bool = False
    max_cost: float | None = Field(default=None, ge=0)
    judge: str | None = None
    judge_samples: int = Field(default=1, ge=1, le=15)
    graders: list[str] = Field(default_factory=list)
    grader_options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    pressure: bool = True
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(default=8192, ge=1)
    #: Per-sample caps of agent candidates: turns, tokens, usd, wall_s (evals/agent).
    agent_caps: dict[str, float] = Field(default_factory=dict)
    report: bool = True
    #: Where samples run: ``local`` (asyncio on this machine) or ``ray`` (a Ray cluster).
    executor: Literal["local", "ray"] = "local"
    #: Ray cluster address (``host:port`` or ``ray://host:10001``); None = ``RAY_ADDRESS``
    #: or a new single-machine Ray instance.
    ray_address: str | None = None
    #: CPUs and memory each sample's Ray task declares (generation + sandboxed grading).
    ray_num_cpus: float = Field(default=1.0, gt=0, le=64)
    ray_memory_mb: int = Field(default=1024, ge=64, le=262144)
    #: Re-runs of a sample whose worker or node died (Ray's system-failure retries).
    ray_max_retries: int = Field(default=3, ge=0, le=20)

    def merged(self, overrides: dict[str, Any]) -> RunConfig:
        """A copy with the non-None ``overrides`` applied (validated)."""
        data = self.model_dump()
        data.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return RunConfig.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise ConfigError(err["msg"], field=f"--{field.replace('_', '-')}") from exc


def find_config(cwd: Path | None = None) -> Path | None:
    """``evals.toml`` in ``cwd``, else a ``pyproject.toml`` there with ``[tool.evals]``."""
    base = cwd or Path.cwd()
    candidate = base / "evals.toml"
    if candidate.is_file():
        return candidate
    pyproject = base / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError:
            return None
        if "evals" in data.get("tool", {}):
            return pyproject
    return None


def load_config(path: Path | None = None) -> RunConfig:
    """Load the config file (explicit ``path``, else discovered), or the defaults."""
    path = path or find_config()
    if path is None:
        return RunConfig()
    if not path.is_file():
        raise ConfigError("config file does not exist", path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=path) from exc
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("evals", {})
    data = {k.replace("-", "_"): v for k, v in data.items()}
    try:
        return RunConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        hint = (
            "unknown option; see `evals run --help`"
            if err["type"] == "extra_forbidden"
            else err["msg"]
        )
        raise ConfigError(hint, path=path, field=field) from exc


def default_grade_workers() -> int:
    return max(1, os.cpu_count() or 1)
