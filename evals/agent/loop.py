"""``agent/<provider>/<model>``: the built-in tool loop on the vendors' own SDKs.

``agent/anthropic/<model>`` uses the anthropic SDK's tool use (``tool_use`` /
``tool_result`` blocks); ``agent/openai/<model>`` uses the openai SDK's function calling
against any OpenAI-compatible server. The persona is the system prompt; the tools are
``bash``, ``read``, ``write``, ``edit`` and ``run_tests`` (:mod:`._tools`), each command
jailed with no network. The loop itself runs in the harness, so it holds the key, counts
tokens and dollars (cache tokens included, the shipped price table), and enforces the
:class:`~evals.agent.proxy.Caps` before every model call; the SDKs retry transient errors.

Options: ``api_key`` / ``base_url`` (else ``ANTHROPIC_*`` or ``OPENAI_*``), ``caps``,
``state_dir`` (run directory: trajectories are appended there), ``max_tokens`` (per turn).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.agent._job import (
    AgentBase,
    AgentJob,
    AgentResult,
    new_attempt,
    read_workspace,
    write_files,
)
from evals.agent._tools import TOOL_SPECS, Workspace, programs
from evals.agent.proxy import DEFAULT_CAPS, Caps
from evals.errors import AuthenticationError, MissingCredentialsError, ProviderError
from evals.log import ToolStep, Trajectory, Turn
from evals.log._trajectory import MAX_OUTPUT_CHARS, trim, trim_value
from evals.providers._sdk import import_sdk, is_loopback
from evals.providers.cost import cost_usd
from evals.schema import Usage

if TYPE_CHECKING:
    pass

__all__ = ["LoopProvider", "create"]

_Call = tuple[str, str, dict[str, Any]]


class _Anthropic:
    """One model turn through ``messages.create`` with tools."""

    key_env = "ANTHROPIC_API_KEY"

    def __init__(self, model: str, api_key: str, base_url: str | None) -> None:
        sdk = import_sdk("anthropic", "anthropic")
        self.sdk, self.model = sdk, model
        self.client = sdk.AsyncAnthropic(api_key=api_key, base_url=base_url, max_retries=4)

    def start(self, prompt: str) -> list[dict[str, Any]]:
        return [{"role": "user", "content": prompt}]

    async def turn(
        self, system: str, messages: list[dict[str, Any]], max_tokens: int
    ) -> tuple[str, list[_Call], Usage, str | None]:
        reply = await self.client.messages.create(
            model=self.model,
            max_tokens=max_tokens,
            system=[{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
            messages=messages,
            tools=list(TOOL_SPECS),
        )
        blocks = [b.model_dump(mode="json", exclude_none=True) for b in reply.content]
        messages.append({"role": "assistant", "content": blocks})
        text = "".join(b.get("text", "") for b in blocks if b["type"] == "text")
        calls = [
            (b["id"], b["name"], b.get("input") or {}) for b in blocks if b["type"] == "tool_use"
        ]
        u = reply.usage
        usage = Usage(
            input_tokens=u.input_tokens or 0,
            output_tokens=u.output_tokens or 0,
            cache_creation_input_tokens=getattr(u, "cache_creation_input_tokens", 0) or 0,
            cache_read_input_tokens=getattr(u, "cache_read_input_tokens", 0) or 0,
        )
        return text, calls, usage, reply.stop_reason

    def results(self, messages: list[dict[str, Any]], outputs: list[tuple[str, str, bool]]) -> None:
        messages.append(
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": i, "content": out, "is_error": err}
                    for i, out, err in outputs
                ],
            }
        )

    async def aclose(self) -> None:
        await self.client.close()


class _OpenAI:
    """One model turn through ``chat.completions.create`` with function tools."""

    key_env = "OPENAI_API_KEY"

    def __init__(self, model: str, api_key: str, base_url: str | None) -> None:
        sdk = import_sdk("openai", "openai")
        self.sdk, self.model = sdk, model
        self.client = sdk.AsyncOpenAI(api_key=api_key, base_url=base_url, max_retries=4)
        self.tools = [
            {
                "type": "function",
                "function": {
                    "name": t["name"],
                    "description": t["description"],
                    "parameters": t["input_schema"],
                },
            }
            for t in TOOL_SPECS
        ]

    def start(self, prompt: str) -> list[dict[str, Any]]:
        return [{"role": "user", "content": prompt}]

    async def turn(
        self, system: str, messages: list[dict[str, Any]], max_tokens: int
    ) -> tuple[str, list[_Call], Usage, str | None]:
        reply = await self.client.chat.completions.create(
            model=self.model,
            max_tokens=max_tokens,
            messages=[{"role": "system", "content": system}, *messages],
            tools=self.tools,
        )
        choice = reply.choices[0]
        message = choice.message
        calls: list[_Call] = []
        for call in message.tool_calls or []:
            try:
                data = json.loads(call.function.arguments or "{}")
            except ValueError:
                data = {"_unparsed": call.function.arguments}
            calls.append((call.id, call.function.name, data if isinstance(data, dict) else {}))
        messages.append(message.model_dump(mode="json", exclude_none=True))
        u = reply.usage
        cached = getattr(getattr(u, "prompt_tokens_details", None), "cached_tokens", 0) or 0
        usage = Usage(
            input_tokens=max(0, (u.prompt_tokens or 0) - cached) if u else 0,
            output_tokens=(u.completion_tokens or 0) if u else 0,
            cache_read_input_tokens=cached,
        )
        return message.content or "", calls, usage, choice.finish_reason

    def results(self, messages: list[dict[str, Any]], outputs: list[tuple[str, str, bool]]) -> None:
        for call_id, out, _ in outputs:
            messages.append({"role": "tool", "tool_call_id": call_id, "content": out})

    async def aclose(self) -> None:
        await self.client.close()


_BACKENDS: dict[str, type[_Anthropic] | type[_OpenAI]] = {
    "anthropic": _Anthropic,
    "openai": _OpenAI,
}


class LoopProvider(AgentBase):
    """See the module docstring."""

    def __init__(
        self,
        vendor: str,
        model: str,
        backend: _Anthropic | _OpenAI,
        *,
        caps: Caps = DEFAULT_CAPS,
        state_dir: Path | None = None,
        max_tokens: int = 8192,
    ) -> None:
        super().__init__(f"agent/{vendor}/{model}", state_dir=state_dir)
        self.vendor, self.model, self.backend = vendor, model, backend
        self.caps = caps
        self.max_tokens = max_tokens

    async def aclose(self) -> None:
        await self.backend.aclose()

    async def solve(self, job: AgentJob) -> AgentResult:
        """Run the tool loop on one task in a fresh workspace; see the module docstring."""
        from evals.agent._jail import JailUser, ensure_jailable
        from evals.sandbox.runtime import ensure_runtime

        ensure_jailable()
        tmp = Path(tempfile.mkdtemp(prefix="pe-loop-"))
        user = JailUser()
        try:
            (tmp / "ws").mkdir()
            (tmp / "home").mkdir()
            write_files(tmp / "ws", dict(job.task.starter))
            user.own(tmp / "ws", tmp / "home")  # jailed commands run as the leased uid
            ws = Workspace(tmp / "ws", tmp / "home", ensure_runtime(), programs(), user=user)
            trajectory, error = await self._loop(job, ws)
            files, notes = read_workspace(tmp / "ws")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            user.release()
        trajectory.notes = notes
        return self.finish(trajectory, files, infra_error=error, stop_reason="end_turn")

    def _over_cap(self, traj: Trajectory, started: float) -> str | None:
        if len(traj.turns) >= self.caps.max_turns:
            return "turns"
        if traj.usage.total_tokens >= self.caps.max_tokens:
            return "tokens"
        if traj.cost_usd >= self.caps.max_usd:
            return "dollars"
        if time.perf_counter() - started >= self.caps.wall_s:
            return "wall"
        return None

    async def _loop(self, job: AgentJob, ws: Workspace) -> tuple[Trajectory, str | None]:
        started = time.perf_counter()
        traj = Trajectory(
            sample_id=job.sample_id,
            attempt=new_attempt(),
            provider=self.name,
            mode="loop",
            persona=job.persona.name,
            started_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            persona_loaded=True,
        )
        messages = self.backend.start(job.prompt)
        error: str | None = None
        while (cap := self._over_cap(traj, started)) is None:
            t0 = time.perf_counter()
            try:
                text, calls, usage, stop = await self.backend.turn(
                    job.persona.body, messages, self.max_tokens
                )
            except Exception as exc:
                auth = getattr(self.backend.sdk, "AuthenticationError", None)
                if auth is not None and isinstance(exc, auth):
                    raise AuthenticationError(
                        f"{self.name}: the API rejected the key; check {self.backend.key_env}"
                    ) from exc
                error = f"model call failed: {type(exc).__name__}: {exc}".splitlines()[0][:300]
                break
            t1 = time.perf_counter()
            cost = cost_usd(f"{self.vendor}/{self.model}", usage)
            traj.usage = Usage(
                **{k: getattr(traj.usage, k) + getattr(usage, k) for k in Usage.model_fields}
            )
            traj.cost_usd += cost
            turn = Turn(
                index=len(traj.turns),
                model=self.model,
                started_s=round(t0 - started, 4),
                duration_s=round(t1 - t0, 4),
                stop_reason=stop,
                text=trim(text, MAX_OUTPUT_CHARS),
                tool_use_ids=[c[0] for c in calls],
                usage=usage,
                cost_usd=cost,
            )
            traj.turns.append(turn)
            traj.final_text = trim(text, MAX_OUTPUT_CHARS)
            if not calls:
                break
            outputs = []
            for call_id, name, data in calls:
                s0 = time.perf_counter()
                out, is_error = await ws.run(name, data)
                outputs.append((call_id, out, is_error))
                traj.tools.append(
                    ToolStep(
                        id=call_id,
                        name=name,
                        input=trim_value(data),
                        output=trim(out, MAX_OUTPUT_CHARS),
                        is_error=is_error,
                        turn=turn.index,
                        started_s=round(s0 - started, 4),
                        duration_s=round(time.perf_counter() - s0, 4),
                    )
                )
            self.backend.results(messages, outputs)
        else:
            traj.capped = cap
        traj.wall_s = time.perf_counter() - started
        return traj, error  # an API failure mid-run is infra: resume re-runs from scratch


def create(model: str, **options: Any) -> LoopProvider:
    """``agent/<vendor>/<model>``: vendor ``anthropic`` or ``openai``.

    Raises:
        ProviderError: unknown vendor, or its SDK is not installed.
        MissingCredentialsError: no key for a non-loopback endpoint.
    """
    vendor, sep, name = model.partition("/")
    if not sep or not name or vendor not in _BACKENDS:
        raise ProviderError(
            f"agent/{model}: expected agent/anthropic/<model> or agent/openai/<model>",
            field="--model",
        )
    backend_cls = _BACKENDS[vendor]
    prefix = "ANTHROPIC" if vendor == "anthropic" else "OPENAI"
    base_url = options.get("base_url") or os.environ.get(f"{prefix}_BASE_URL") or None
    api_key = options.get("api_key") or os.environ.get(backend_cls.key_env)
    if not api_key:
        if not (base_url and is_loopback(str(base_url))):
            raise MissingCredentialsError(
                f"set {backend_cls.key_env} to use agent/{model}", field=backend_cls.key_env
            )
        api_key = "no-key"
    state = options.get("state_dir")
    return LoopProvider(
        vendor,
        name,
        backend_cls(name, str(api_key), base_url),
        caps=options.get("caps") or DEFAULT_CAPS,
        state_dir=Path(state) if state else None,
        max_tokens=int(options.get("max_tokens") or 8192),
    )
