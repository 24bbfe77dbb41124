"""Execute a plan: generate → extract → grade → append, resumable.

A run directory holds ``manifest.json`` and the append-only ``samples.jsonl``. Resuming
re-reads the manifest's options, skips every sample already recorded with status ``ok``,
and re-runs the missing ones and those that failed on infrastructure. Where the samples
run is the executor's business (:mod:`evals.executors`: asyncio here, or a Ray cluster);
whatever it is, results come back here and only this process appends them.
"""

from __future__ import annotations

import asyncio
import os
import platform
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from evals import __version__
from evals.errors import AuthenticationError, ConfigError, EvalsError
from evals.executors import DriverHooks, ExecutionContext, get_executor
from evals.log import RunLock, RunLog, read_manifest, read_samples, write_manifest
from evals.persona import Persona, load_persona
from evals.providers import Provider
from evals.providers.cost import reserve_usd
from evals.providers.replay import ReplayProvider
from evals.runner._budget import Budget
from evals.runner._config import RunConfig
from evals.runner._grade import GradingPlan
from evals.runner._plan import PlanItem, build_plan
from evals.runner._providers import build_provider, build_services
from evals.runner._sample import build_request, now_iso
from evals.runner._setup import git_commit
from evals.runner._signals import trap_signals
from evals.runner._warm import SandboxStart
from evals.schema import Manifest, Sample
from evals.tasks import Suite, load_suite
from evals.timings import stamp
from graders import Services

if TYPE_CHECKING:
    from evals.sandbox import Sandbox

__all__ = ["RunResult", "Runner", "now_iso"]


@dataclass
class RunResult:
    run_dir: Path
    manifest: Manifest
    planned: int
    done: int
    infra_errors: int
    stopped_by_budget: bool = False
    warnings: list[str] = field(default_factory=list)
    #: Samples not even started because the budget was spent.
    unstarted: int = 0
    #: ``SIGINT``/``SIGTERM`` when a signal stopped the run, else None.
    interrupted: str | None = None
    #: The manifest note on the budget stop, "" when the budget did not stop the run.
    budget_note: str = ""


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
        self._budget = Budget(config.max_cost)
        self._signal: str | None = None
        #: Why the budget stopped the run ("" when it did not).
        self.budget_note = ""
        self._auth_error: AuthenticationError | None = None
        #: Where the samples run (a missing Ray or an unreachable cluster fails here,
        #: before any write; Ray's runners warm up while this process plans).
        self.executor = get_executor(config.executor, config)

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
        return build_provider(self.config, self.run_dir, name)

    def _services(self) -> Services:
        services, warnings = build_services(self.config, self.run_dir)
        self.warnings.extend(warnings)
        return services

    def _manifest(self, suite: Suite, personas: list[Persona], plan: list[PlanItem]) -> Manifest:
        """A fresh manifest (``sandbox``/``isolated`` are filled in once it is built)."""
        tasks = sorted({item.task.id for item in plan})
        return Manifest(
            run_id=self.run_dir.name,
            harness_version=__version__,
            git_commit=git_commit(Path.cwd()),
            host=f"{socket.gethostname()} ({platform.platform()}, {os.cpu_count()} cpus)",
            argv=self.argv,
            options=self.config.model_dump(mode="json"),
            personas=[{**p.to_dict(), "text": p.text} for p in personas],
            models=list(self.config.models),
            suite_path=str(suite.path),
            suite_sha=suite.sha,
            task_ids=tasks,
            task_shas={item.task.id: item.task_sha for item in plan},
            epochs=max((item.epoch for item in plan), default=0) + 1,
            planned=len(plan),
            started_at=now_iso(),
        )

    # -- execution -----------------------------------------------------------------------

    async def run(self) -> RunResult:
        """Run (or resume) the plan into the run directory, holding its lock throughout.

        Raises:
            RunLockedError: another process is writing this run directory.
            RunLogError: the log cannot be written (disk full, read-only); the manifest
                is marked ``interrupted`` when possible and every recorded sample stays.
        """
        # The local executor grades here: its sandbox starts while the run is planned.
        stamp("runner")
        start = SandboxStart(self.config.sandbox, warm=self.config.executor == "local")
        start.start()
        try:
            suite, personas, providers = self._load_inputs()  # bad input fails before any write
            stamp("inputs_loaded")
            tasks = suite.select(self.config.tasks or None, self.config.limit)
            plan = build_plan(
                personas, providers, tasks, self.config.epochs, pressure=self.config.pressure
            )
            stamp("planned", samples=len(plan))
            if not plan:
                raise ConfigError("the plan is empty: no task matches the selected models/tasks")
            grading = GradingPlan.for_personas(
                personas, self.config.graders, self.config.grader_options, self._services()
            )
            from graders._pytest_run import sandbox_modules

            sandboxed = any(g.needs_sandbox for g in grading.graders.values())
            tasks_run = {item.task.id: item.task for item in plan}.values()
            start.preload(sandbox_modules(tasks_run) if sandboxed else None)
            stamp("grading_planned")
            try:
                self.run_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                from evals.log import write_failure

                raise write_failure(self.run_dir, exc) from exc
            with RunLock(self.run_dir):
                return await self._run_locked(suite, personas, providers, plan, grading, start)
        finally:
            start.close()  # no sandbox worker outlives the run, refused or finished

    def _check_resume(self, suite: Suite, personas: list[Persona]) -> Manifest:
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
            moved = sorted(
                t.id for t in suite.tasks if manifest.task_shas.get(t.id, t.digest()) != t.digest()
            )
            which = f" (tasks {', '.join(moved)})" if moved else ""
            self.warnings.append(f"the suite changed since the run started{which}")
        return manifest

    async def _run_locked(
        self,
        suite: Suite,
        personas: list[Persona],
        providers: list[Provider],
        plan: list[PlanItem],
        grading: GradingPlan,
        start: SandboxStart,
    ) -> RunResult:
        if not self.resume and (self.run_dir / "samples.jsonl").exists():
            raise ConfigError(
                "already holds a run; use --resume to complete it or choose another --out",
                path=self.run_dir,
            )
        planned = {(item.task.id, item.epoch) for item in plan}
        for provider in providers:
            if isinstance(provider, ReplayProvider):
                suite_ids = {t.id for t in suite.tasks}
                self.warnings.extend(provider.unplanned(planned, suite_ids, self.config.epochs))
        if self.resume:
            manifest = self._check_resume(suite, personas)
        else:
            manifest = self._manifest(suite, personas, plan)
        recorded = read_samples(self.run_dir)
        done = {s.sample_id for s in recorded if s.status == "ok"}
        self._budget.spent = sum(s.cost_usd + s.judge_cost_usd for s in recorded)
        todo = [item for item in plan if item.sample_id not in done]
        sandbox = start.sandbox()
        stamp("sandbox_ready")
        manifest.sandbox = sandbox.name
        manifest.isolated = sandbox.isolated
        manifest.sample_limits = sandbox.sample_limits
        manifest.graders = sorted(grading.graders)
        manifest.notes.extend(w for w in self.warnings if w not in manifest.notes)
        manifest.state = "running"
        write_manifest(self.run_dir, manifest)
        log = RunLog(self.run_dir)
        counts = {"done": len(plan) - len(todo), "errors": 0, "unstarted": 0}
        self._emit("start", counts, len(plan))
        write_error: list[EvalsError] = []
        estimates: dict[str, float] = {}

        async def admit(item: PlanItem) -> bool:
            request = build_request(item, self.config.max_tokens, self.config.temperature)
            estimate = reserve_usd(item.provider.name, request)
            if not await self._budget.admit(estimate):
                counts["unstarted"] += 1
                return False
            estimates[item.sample_id] = estimate
            return True

        async def record(item: PlanItem, sample: Sample | None) -> None:
            estimate = estimates.pop(item.sample_id, 0.0)
            try:
                if sample is not None:
                    log.append(sample)  # this process is the run log's single writer
            except EvalsError as exc:  # the log cannot be written: stop everything
                write_error.append(exc)
                return
            finally:
                actual = sample.cost_usd + sample.judge_cost_usd if sample else 0.0
                await self._budget.settle(estimate, actual)
            if sample is None:
                return
            stamp("sample_recorded", sample_id=sample.sample_id)
            counts["done"] += sample.status == "ok"
            counts["errors"] += sample.status != "ok"
            self._emit("sample", counts, len(plan))

        def stopping() -> bool:
            return self._auth_error is not None or bool(write_error)

        hooks = DriverHooks(admit=admit, record=record, stopping=stopping)
        context = ExecutionContext(self.config, self.run_dir, grading, sandbox)
        state = "interrupted"
        restore = trap_signals(self._on_signal)
        try:
            if self._budget.exhausted and todo:
                counts["unstarted"] = len(todo)
                self._budget.stopped = True
            else:
                try:
                    manifest.notes.extend(await self.executor.execute(todo, context, hooks))
                except AuthenticationError as exc:  # the executor drained; stop the run
                    self._auth_error = exc
            if write_error:
                raise write_error[0]
            if self._auth_error is not None:
                state = "incomplete"
                raise self._auth_error
            state = "complete" if counts["done"] == len(plan) else "incomplete"
        except asyncio.CancelledError:
            if self._signal is None:
                raise
        finally:
            restore()
            self._finish(manifest, log, state, counts)
            await self._close(providers, grading, sandbox)
            self._emit("end", counts, len(plan))
        return RunResult(
            run_dir=self.run_dir,
            manifest=manifest,
            planned=len(plan),
            done=counts["done"],
            infra_errors=counts["errors"],
            stopped_by_budget=self._budget.stopped,
            warnings=self.warnings,
            unstarted=counts["unstarted"],
            interrupted=self._signal,
            budget_note=self.budget_note,
        )

    def _finish(self, manifest: Manifest, log: RunLog, state: str, counts: dict[str, int]) -> None:
        try:
            log.close()
        except EvalsError:
            state = "interrupted"
        manifest.finished_at = now_iso()
        manifest.state = state
        if self._signal:
            manifest.notes.append(
                f"interrupted by {self._signal}; resume with `evals run --resume {self.run_dir}`"
            )
        if self._budget.stopped:
            cap = self.config.max_cost
            if self._budget.admitted == 0:
                note = (
                    f"budget already spent (${self._budget.spent:.4f} recorded, --max-cost "
                    f"{cap}): 0 requests made; raise --max-cost to continue"
                )
            else:
                note = (
                    f"stopped scheduling at ${self._budget.spent:.4f} (--max-cost {cap}); "
                    f"{counts['unstarted']} sample(s) not started; resume with "
                    f"`evals run --resume {self.run_dir} --max-cost N`"
                )
            manifest.notes.append(note)
            self.budget_note = note
        if counts["errors"]:
            manifest.notes.append(
                f"{counts['errors']} infra error(s); `evals run --resume` retries them"
            )
        try:
            write_manifest(self.run_dir, manifest)
        except EvalsError as exc:  # disk full: readers see a dead `running` run
            self.warnings.append(str(exc))

    async def _close(
        self, providers: list[Provider], grading: GradingPlan, sandbox: Sandbox
    ) -> None:
        sandbox.close()  # first: no sandbox process outlives an interrupted run
        for provider in providers:
            self.warnings.extend(provider.warnings)
            await provider.aclose()
        judge = grading.services.judge
        if judge is not None and judge.provider is not None:
            await judge.provider.aclose()

    def _on_signal(self, name: str) -> None:
        self._signal = self._signal or name

    def _emit(self, event: str, counts: dict[str, int], total: int) -> None:
        if self.progress is not None:
            self.progress(event, counts["done"], total, counts["errors"])
