"""Execute a plan: generate → extract → grade → append, on asyncio, resumable.

A run directory holds ``manifest.json`` and the append-only ``samples.jsonl``. Resuming
re-reads the manifest's options, skips every sample already recorded with status ``ok``,
and re-runs the missing ones and those that failed on infrastructure.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import platform
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals import __version__
from evals.errors import AuthenticationError, ConfigError, EvalsError, ProviderError
from evals.persona import Persona, load_persona
from evals.providers import Provider, get_provider
from evals.runner._config import RunConfig, default_grade_workers
from evals.runner._grade import GradingPlan
from evals.runner._log import RunLog, read_manifest, write_manifest
from evals.runner._plan import PlanItem, build_plan
from evals.runner._sample import now_iso, run_sample
from evals.schema import Manifest, Sample
from evals.tasks import Suite, load_suite

__all__ = ["RunResult", "Runner", "new_run_dir", "now_iso"]

_OFFLINE_KINDS = ("oracle/", "replay/")


def new_run_dir(runs_dir: str | Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path(runs_dir) / stamp
    path, n = base, 1
    while path.exists():
        n += 1
        path = Path(f"{base}-{n}")
    return path


def _git_commit(cwd: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


@dataclass
class RunResult:
    run_dir: Path
    manifest: Manifest
    planned: int
    done: int
    infra_errors: int
    stopped_by_budget: bool = False
    warnings: list[str] = field(default_factory=list)


ProgressHook = Callable[[str, int, int, int], None]
"""``hook(event, done, total, errors)``: event is ``start``, ``sample`` or ``end``."""


class Runner:
    """Runs one plan into one run directory."""

    def __init__(
        self,
        config: RunConfig,
        run_dir: Path,
        *,
        resume: bool = False,
        argv: list[str] | None = None,
        progress: ProgressHook | None = None,
    ) -> None:
        self.config = config
        self.run_dir = run_dir
        self.resume = resume
        self.argv = argv if argv is not None else sys.argv[1:]
        self.progress = progress
        self.warnings: list[str] = []
        self._spent = 0.0
        self._stop_budget = False
        self._auth_error: AuthenticationError | None = None

    # -- setup ---------------------------------------------------------------------------

    def _load_inputs(self) -> tuple[Suite, list[Persona], list[Provider]]:
        from graders import grader_names

        suite = load_suite(self.config.suite)
        known = grader_names()
        personas = [load_persona(ref, known_graders=known) for ref in self.config.personas]
        shas = [p.sha256 for p in personas]
        if len(set(shas)) != len(shas):
            raise ConfigError("two --persona revisions have identical text", field="--persona")
        providers = [self._provider(name) for name in self.config.models]
        return suite, personas, providers

    def _provider(self, name: str) -> Provider:
        provider = get_provider(
            name,
            max_connections=self.config.max_connections,
            batch=self.config.batch,
            state_dir=self.run_dir,
            temperature=self.config.temperature,
        )
        if name.startswith(_OFFLINE_KINDS) or not self.config.cache:
            return provider
        from evals.providers.cache import wrap_with_cache

        cache_dir = Path(self.config.cache_dir) if self.config.cache_dir else None
        cached: Provider = wrap_with_cache(provider, enabled=True, cache_dir=cache_dir)
        return cached

    def _services(self) -> dict[str, Any]:
        services: dict[str, Any] = {"judge_samples": self.config.judge_samples}
        if self.config.judge:
            services["judge_model"] = self.config.judge
            try:
                services["judge_provider"] = self._provider(self.config.judge)
            except ProviderError as exc:  # no credentials: judge grades become "skipped"
                services["judge_unavailable"] = str(exc)
            for model in self.config.models:
                if _family(model) == _family(self.config.judge):
                    self.warnings.append(
                        f"judge {self.config.judge} shares a model family with candidate "
                        f"{model}: expect self-preference bias"
                    )
        return services

    def _manifest(
        self, suite: Suite, personas: list[Persona], plan: list[PlanItem], sandbox: Any
    ) -> Manifest:
        tasks = sorted({item.task.id for item in plan})
        return Manifest(
            run_id=self.run_dir.name,
            harness_version=__version__,
            git_commit=_git_commit(Path.cwd()),
            host=f"{socket.gethostname()} ({platform.platform()}, {os.cpu_count()} cpus)",
            argv=self.argv,
            options=self.config.model_dump(mode="json"),
            personas=[{**p.to_dict(), "text": p.text} for p in personas],
            models=list(self.config.models),
            suite_path=str(suite.path),
            suite_sha=suite.sha,
            task_ids=tasks,
            epochs=self.config.epochs,
            sandbox=getattr(sandbox, "name", "none"),
            isolated=bool(getattr(sandbox, "isolated", False)),
            planned=len(plan),
            started_at=now_iso(),
        )

    # -- execution -----------------------------------------------------------------------

    async def run(self) -> RunResult:
        from evals.sandbox import get_sandbox
        from evals.sandbox.runtime import ensure_runtime

        suite, personas, providers = self._load_inputs()  # bad input fails before any write
        self.run_dir.mkdir(parents=True, exist_ok=True)
        tasks = suite.select(self.config.tasks or None, self.config.limit)
        plan = build_plan(
            personas, providers, tasks, self.config.epochs, pressure=self.config.pressure
        )
        if not plan:
            raise ConfigError("the plan is empty: no task matches the selected models/tasks")
        ensure_runtime()
        sandbox = get_sandbox(self.config.sandbox)
        grading = GradingPlan.for_personas(
            personas, self.config.graders, self.config.grader_options, self._services()
        )
        if self.resume:
            manifest = read_manifest(self.run_dir)
            recorded = {p.get("sha256") for p in manifest.personas}
            changed = [p.ref for p in personas if p.sha256 not in recorded]
            if changed:
                raise ConfigError(
                    f"persona {changed[0]} changed since the run started; resume needs the "
                    "same text (pin it as path@rev) or start a new run",
                    path=self.run_dir,
                )
            if manifest.suite_sha and manifest.suite_sha != suite.sha:
                self.warnings.append("the suite changed since the run started")
        else:
            manifest = self._manifest(suite, personas, plan, sandbox)
        manifest.graders = sorted(grading.graders)
        manifest.state = "running"
        write_manifest(self.run_dir, manifest)
        log = RunLog(self.run_dir)
        done = {sid for sid, s in log.latest().items() if s.status == "ok"}
        self._spent = sum(s.cost_usd + s.judge_cost_usd for s in log.latest().values())
        todo = [item for item in plan if item.sample_id not in done]
        counts = {"done": len(plan) - len(todo), "errors": 0}
        self._emit("start", counts, len(plan))
        grade_slots = asyncio.Semaphore(self.config.grade_workers or default_grade_workers())
        # A batch collects every request before submitting; don't starve it.
        in_flight = max(len(todo), 1) if self.config.batch else self.config.max_concurrency
        gen_slots = asyncio.Semaphore(in_flight)

        async def one(item: PlanItem) -> None:
            async with gen_slots:
                if self._stop_budget or self._auth_error is not None:
                    return
                sample = await self._sample(item, grading, sandbox, grade_slots)
                if sample is None:
                    return
                log.append(sample)
                self._spent += sample.cost_usd + sample.judge_cost_usd
                if self.config.max_cost is not None and self._spent >= self.config.max_cost:
                    self._stop_budget = True
                counts["done"] += sample.status == "ok"
                counts["errors"] += sample.status != "ok"
                self._emit("sample", counts, len(plan))

        state = "incomplete"
        try:
            await asyncio.gather(*(one(item) for item in todo))
            if self._auth_error is not None:
                raise self._auth_error
            complete = counts["done"] == len(plan)
            state = "complete" if complete else "incomplete"
        finally:
            log.close()
            manifest.finished_at = now_iso()
            manifest.state = state
            if self._stop_budget:
                manifest.notes.append(
                    f"stopped scheduling at ${self._spent:.4f} (--max-cost "
                    f"{self.config.max_cost}); resume with `evals run --resume {self.run_dir}`"
                )
            if counts["errors"]:
                manifest.notes.append(
                    f"{counts['errors']} infra error(s); `evals run --resume` retries them"
                )
            write_manifest(self.run_dir, manifest)
            for provider in providers:
                self.warnings.extend(getattr(provider, "warnings", None) or [])
                await provider.aclose()
            judge = grading.services.get("judge_provider")
            if judge is not None:
                await judge.aclose()
            close = getattr(sandbox, "close", None)
            if callable(close):
                close()
            self._emit("end", counts, len(plan))
        return RunResult(
            run_dir=self.run_dir,
            manifest=manifest,
            planned=len(plan),
            done=counts["done"],
            infra_errors=counts["errors"],
            stopped_by_budget=self._stop_budget,
            warnings=self.warnings,
        )

    def _emit(self, event: str, counts: dict[str, int], total: int) -> None:
        if self.progress is not None:
            self.progress(event, counts["done"], total, counts["errors"])

    async def _sample(
        self, item: PlanItem, grading: GradingPlan, sandbox: Any, grade_slots: asyncio.Semaphore
    ) -> Sample | None:
        try:
            return await run_sample(
                item,
                grading,
                sandbox,
                grade_slots,
                max_tokens=self.config.max_tokens,
                temperature=self.config.temperature,
            )
        except AuthenticationError as exc:  # stop the whole run at once
            self._auth_error = self._auth_error or exc
            return None


def _family(model: str) -> str:
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
    bad = sorted(k for k, v in overrides.items() if v is not None and k not in allowed)
    if bad:
        raise ConfigError(
            f"cannot change {', '.join(bad)} on --resume (the plan must stay the same); "
            "start a new run instead",
            field="--resume",
        )
    return config.merged(overrides)
