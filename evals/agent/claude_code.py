"""``claude-code/<model>`` and ``claude-code-delegate/<model>``: the real Claude Code CLI.

Per sample: a fresh workspace from the task's starter files with the persona installed
as ``.claude/agents/<name>.md``, a fresh HOME, and the CLI (bundled in the
``claude-agent-sdk`` wheel; ``pip install 'persona-evals[agent]'``) run headless inside
a bubblewrap jail (:mod:`._jail`) whose only way out is the harness's
:class:`~evals.agent.proxy.RecordingProxy` (it holds the real key and records the
trajectory). ``claude-code/`` runs the persona as the main thread (``--agent <name>``);
``claude-code-delegate/`` runs the default agent with the persona available as a
subagent and records whether the parent delegated to it.

The ``system/init`` line must list the persona (and, in main-thread mode, the first
model request must carry its body as the system prompt); otherwise the sample is an
infrastructure error, never a model failure.

Options: ``api_key`` (else ``$ANTHROPIC_API_KEY``), ``base_url`` (upstream; else
``$ANTHROPIC_BASE_URL``, else the public API), ``caps`` (:class:`Caps`), ``state_dir``
(the run directory: trajectories are appended there), ``cli_path`` (else the bundled
binary), ``allowed_tools``, ``setting_sources`` (``project``: the CLI reads only the
workspace's ``.claude/``, never a user's settings).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.agent._build import system_text, turns_and_tools
from evals.agent._jail import (
    AGENT_DIR,
    AGENT_LIMITS,
    JailUser,
    JailWatch,
    ensure_jailable,
    jail_argv,
    kill_jail,
    spawn_jailed,
)
from evals.agent._job import (
    AgentBase,
    AgentJob,
    AgentResult,
    new_attempt,
    read_workspace,
    write_files,
)
from evals.agent._tools import programs
from evals.agent.proxy import DEFAULT_CAPS, Caps, RecordingProxy
from evals.errors import AuthenticationError, MissingCredentialsError, ProviderError
from evals.log import Trajectory
from evals.log._trajectory import trim

if TYPE_CHECKING:
    pass

__all__ = ["ClaudeCodeProvider", "bundled_cli", "create", "create_delegate"]

KEY_ENV = "ANTHROPIC_API_KEY"
PUBLIC_API = "https://api.anthropic.com"
#: What the agent sees instead of the real key.
DUMMY_KEY = "sk-ant-persona-evals-sandbox-dummy"
ALLOWED_TOOLS = "Bash Read Write Edit Glob Grep"
_CLI_ENV = {
    "ANTHROPIC_API_KEY": DUMMY_KEY,
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_TELEMETRY": "1",
    "DISABLE_ERROR_REPORTING": "1",
    "CLAUDE_CODE_DISABLE_TERMINAL_TITLE": "1",
}


def bundled_cli() -> Path:
    """The Claude Code binary inside the installed ``claude-agent-sdk`` wheel.

    Raises:
        ProviderError: the SDK is not installed (names the ``pip install``).
    """
    try:
        import claude_agent_sdk
    except ImportError as exc:
        raise ProviderError(
            "claude-code/ needs the Claude Code CLI: pip install 'persona-evals[agent]'",
            field="--model",
        ) from exc
    cli = Path(claude_agent_sdk.__file__).parent / "_bundled" / "claude"
    if not cli.is_file():
        raise ProviderError(f"the claude-agent-sdk wheel has no bundled CLI at {cli}")
    return cli


class ClaudeCodeProvider(AgentBase):
    """See the module docstring."""

    def __init__(
        self,
        model: str,
        *,
        mode: str,
        api_key: str,
        base_url: str,
        cli: Path,
        caps: Caps = DEFAULT_CAPS,
        state_dir: Path | None = None,
        allowed_tools: str = ALLOWED_TOOLS,
        setting_sources: str = "project",
    ) -> None:
        kind = "claude-code" if mode == "main" else "claude-code-delegate"
        super().__init__(f"{kind}/{model}", state_dir=state_dir)
        self.model, self.mode, self.caps = model, mode, caps
        self.allowed_tools = allowed_tools
        self.setting_sources = setting_sources
        self.cli = cli
        self._key = api_key
        self._upstream = base_url

    async def aclose(self) -> None:
        return None

    # -- one sample -----------------------------------------------------------------------

    def _argv(self, job: AgentJob) -> list[str]:
        argv = [f"{AGENT_DIR}/bin/claude", "-p", job.prompt, "--model", self.model]
        argv += ["--output-format", "stream-json", "--verbose"]
        argv += ["--setting-sources", self.setting_sources]
        argv += ["--permission-mode", "acceptEdits", "--allowedTools", self.allowed_tools]
        if self.mode == "main":
            argv += ["--agent", job.persona.name]
        return argv

    async def solve(self, job: AgentJob) -> AgentResult:
        """Run the CLI on one task in a fresh jailed workspace; see the module docstring."""
        from evals.sandbox.runtime import ensure_runtime

        ensure_jailable()
        runtime = ensure_runtime()
        started = time.perf_counter()
        started_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        tmp = Path(tempfile.mkdtemp(prefix="pe-agent-"))
        user = JailUser()
        try:
            ws, home, sock = tmp / "ws", tmp / "home", tmp / "sock"
            for folder in (ws, home, sock):
                folder.mkdir()
            write_files(ws, dict(job.task.starter))
            write_files(ws, {f".claude/agents/{job.persona.name}.md": job.persona.text})
            user.own(ws, home, sock)  # the jail runs as the leased unprivileged uid
            run = _CliRun(self, job, tmp)
            await run.execute(
                JailWatch(AGENT_LIMITS, (ws, home)),
                jail_argv(
                    self._argv(job),
                    runtime=runtime,
                    workspace=ws,
                    home=home,
                    socket_dir=sock,
                    programs={"claude": self.cli, **programs()},
                    env=_CLI_ENV,
                    user=user,
                ),
            )
            files, notes = read_workspace(ws)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            user.release()
        return run.result(files, [*run.notes, *notes], started, started_at)


class _CliRun:
    """One CLI process and its proxy."""

    def __init__(self, provider: ClaudeCodeProvider, job: AgentJob, tmp: Path) -> None:
        self.provider = provider
        self.job = job
        self.proc: asyncio.subprocess.Process | None = None
        self.proxy = RecordingProxy(
            provider._upstream,
            provider._key,
            provider.model,
            provider.caps,
            socket_path=tmp / "sock" / "api.sock",
            on_cap=self._stop,
        )
        self.init: dict[str, Any] = {}
        self.final: dict[str, Any] = {}
        self.stderr = b""
        self.capped: str | None = None
        self.exit_code: int | None = None
        self.notes: list[str] = []

    def _stop(self, cap: str) -> None:
        self.capped = self.capped or cap
        if self.proc is not None:
            kill_jail(self.proc)

    async def execute(self, watch: JailWatch, argv: list[str]) -> None:
        await self.proxy.start()
        watcher: asyncio.Future[None] | None = None
        try:
            pipe = asyncio.subprocess.PIPE
            self.proc = await spawn_jailed(argv, stdout=pipe, stderr=pipe)
            watcher = asyncio.ensure_future(watch.run(self.proc, self._stop))
            try:
                await asyncio.wait_for(self._drain(), self.provider.caps.wall_s)
            except TimeoutError:
                self._stop("wall")
            self.exit_code = await self.proc.wait()
        finally:
            if watcher is not None:
                watcher.cancel()
            if self.proc is not None and self.proc.returncode is None:
                self._stop(self.capped or "cancelled")
                await self.proc.wait()
            await self.proxy.aclose()
        if watch.hit is not None:
            self.notes.append(f"killed: {watch.note}")

    async def _drain(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        assert self.proc.stderr is not None

        async def err() -> None:
            assert self.proc is not None and self.proc.stderr is not None
            self.stderr = (await self.proc.stderr.read())[-4000:]

        reader = asyncio.ensure_future(err())
        async for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if not isinstance(event, dict):
                continue
            if event.get("type") == "system" and event.get("subtype") == "init":
                self.init = event
            elif event.get("type") == "result":
                self.final = event
        await reader

    # -- the result -----------------------------------------------------------------------

    def _persona_loaded(self) -> tuple[bool, str]:
        name = self.job.persona.name
        if name not in (self.init.get("agents") or []):
            return False, f"the CLI's init line does not list the persona {name!r}"
        if self.provider.mode != "main":
            return True, ""
        marker = self.job.persona.body.strip()[:200]
        first = next((e for e in self.proxy.exchanges if e.request.get("tools")), None)
        if first is not None and marker not in system_text(first.request):
            return False, "the first model request does not carry the persona as its system prompt"
        return True, ""

    def result(
        self, files: dict[str, str], notes: list[str], started: float, started_at: str
    ) -> AgentResult:
        provider, job = self.provider, self.job
        marker = job.persona.body.strip()[:200]
        turns, tools = turns_and_tools(
            self.proxy.exchanges, persona_marker=marker, mode=provider.mode
        )
        loaded, why = self._persona_loaded() if self.init else (False, "")
        capped = self.capped or self.proxy.capped
        delegated = None
        if provider.mode == "delegate":
            delegated = any(
                t.name in ("Agent", "Task") and t.input.get("subagent_type") == job.persona.name
                for t in tools
                if t.agent == "main"
            )
        trajectory = Trajectory(
            sample_id=job.sample_id,
            attempt=new_attempt(),
            provider=provider.name,
            mode=provider.mode,
            persona=job.persona.name,
            started_at=started_at,
            wall_s=time.perf_counter() - started,
            turns=turns,
            tools=tools,
            usage=self.proxy.usage,
            cost_usd=self.proxy.cost_usd,
            capped=capped,
            exit_code=self.exit_code,
            delegated=delegated,
            persona_loaded=loaded if self.init else None,
            final_text=trim(str(self.final.get("result") or ""), 4000),
            notes=notes,
            overhead_s=sum(e.overhead_s for e in self.proxy.exchanges),
        )
        infra = self._infra_error(loaded, why, capped)
        return provider.finish(
            trajectory, files, infra_error=infra, stop_reason=self.final.get("stop_reason")
        )

    def _infra_error(self, loaded: bool, why: str, capped: str | None) -> str | None:
        for ex in self.proxy.exchanges:
            if ex.status in (401, 403):
                raise AuthenticationError(
                    f"{self.provider.name}: the API rejected the key ({ex.error}); check {KEY_ENV}"
                )
        if not self.init:
            tail = self.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["none"]
            return f"the CLI exited {self.exit_code} before its init line; stderr: {tail[0][:300]}"
        if not loaded:
            return f"persona not loaded: {why}"
        if capped is None and not any(e.status == 200 for e in self.proxy.exchanges):
            errors = [e.error for e in self.proxy.exchanges if e.error] or ["no model request"]
            return f"no model call succeeded: {errors[-1]}"
        return None


def _create(model: str, mode: str, options: dict[str, Any]) -> ClaudeCodeProvider:
    cli = Path(options["cli_path"]) if options.get("cli_path") else bundled_cli()
    api_key = options.get("api_key") or os.environ.get(KEY_ENV)
    if not api_key:
        raise MissingCredentialsError(
            f"set {KEY_ENV} to use claude-code/{model} (the proxy holds it; the agent never "
            "sees it)",
            field=KEY_ENV,
        )
    base_url = options.get("base_url") or os.environ.get("ANTHROPIC_BASE_URL") or PUBLIC_API
    caps = options.get("caps") or Caps()
    state = options.get("state_dir")
    return ClaudeCodeProvider(
        model,
        mode=mode,
        api_key=str(api_key),
        base_url=str(base_url),
        cli=cli,
        caps=caps,
        state_dir=Path(state) if state else None,
        allowed_tools=str(options.get("allowed_tools") or ALLOWED_TOOLS),
        setting_sources=str(options.get("setting_sources") or "project"),
    )


def create(model: str, **options: Any) -> ClaudeCodeProvider:
    """``claude-code/<model>``: the persona as the main thread."""
    return _create(model, "main", options)


def create_delegate(model: str, **options: Any) -> ClaudeCodeProvider:
    """``claude-code-delegate/<model>``: the persona as a subagent the parent may use."""
    return _create(model, "delegate", options)
