"""``claude-code/<model>`` through the real Claude Code CLI (the binary bundled in the
claude-agent-sdk wheel), jailed in bubblewrap, driven offline by the scripted fake on
127.0.0.1 through the harness's proxy. Each test runs the real CLI (~10-20 s): slow."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.agent._job import AgentJob, AgentResult
from evals.agent.claude_code import DUMMY_KEY, create, create_delegate
from evals.agent.proxy import Caps
from evals.agent.scripted_server import ScriptedServer, load_script
from evals.cli import app
from evals.log import read_trajectories
from evals.persona import load_persona
from evals.sandbox._uids import UID_BASE
from evals.sandbox.bwrap import bwrap_problem
from evals.tasks import load_task
from graders import GradeContext, get_grader

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = Path(__file__).parent / "sessions"
REAL_KEY = "sk-ant-REAL-KEY-never-inside-0123456789"
MODEL = "claude-sonnet-4-5"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.sandbox,
    pytest.mark.skipif(bool(bwrap_problem()), reason=bwrap_problem() or "bwrap works"),
]


@pytest.fixture()
def serve() -> Iterator[object]:
    servers: list[ScriptedServer] = []

    def start(name: str) -> ScriptedServer:
        path = SESSIONS / f"{name}.json"
        server = ScriptedServer(load_script(path, ROOT / "tasks"), api_key=REAL_KEY).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def _solve(provider: object, task: str = "rest-crud") -> AgentResult:
    job = AgentJob(
        "s-test",
        load_task(ROOT / "tasks" / task),
        load_persona(ROOT / "personas" / "backend-engineer.md"),
        "Build the books API.",
    )
    return asyncio.run(provider.solve(job))  # type: ignore[attr-defined]


def _delegation(result: AgentResult) -> str:
    """The delegation grader's verdict on a real CLI trajectory."""
    ctx = GradeContext(files=result.files, rule_ids=(), trajectory=result.trajectory)
    (grade,) = asyncio.run(get_grader("delegation").grade(ctx))
    return grade.verdict


def test_evals_run_grades_a_claude_code_sample_with_its_trajectory(
    serve: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grading_config: Path
) -> None:
    server = serve("rest-crud-tdd")  # type: ignore[operator]
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", REAL_KEY)
    out = tmp_path / "run"
    args = ["run", "--model", f"claude-code/{MODEL}", "--task", "rest-crud", "--no-pressure"]
    result = CliRunner().invoke(app, [*args, "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (line,) = (out / "samples.jsonl").read_text().splitlines()
    sample = json.loads(line)
    assert sample["status"] == "ok", sample["error"]
    assert set(sample["files"]) == {"app.py", "test_app.py"}
    verdicts = {g["grader"]: g["verdict"] for g in sample["grades"]}
    # tests_pass: the hidden tests, copied in after the agent exited; the process graders
    # read the trajectory. A failure shows each grade's reason and metadata (run_s).
    for grader in ("tests_pass", "lint", "tests_first", "tests_after_edit", "lint_run"):
        assert verdicts[grader] == "pass", (grader, sample["grades"])
    agent = sample["agent"]
    assert agent["turns"] == 5 and agent["tool_calls"] == 4 and agent["persona_loaded"]
    assert sample["cost_usd"] == pytest.approx(agent["cost_usd"]) and sample["cost_usd"] > 0
    trajectory = read_trajectories(out)[(sample["sample_id"], agent["attempt"])]
    assert [t.name for t in trajectory.tools] == ["Write", "Write", "Bash", "Bash"]
    assert (
        "passed" in trajectory.tools[2].output and "All checks passed" in trajectory.tools[3].output
    )
    # The persona was the main thread's system prompt; only the proxy held the real key.
    first = next(r for r in server.requests if isinstance(r.body, dict) and r.body.get("tools"))
    assert "You are a Senior Backend Engineer" in json.dumps(first.body["system"])
    assert {r.headers.get("x-api-key") for r in server.requests} == {REAL_KEY}


def test_agent_cannot_reach_hidden_tests_other_tasks_the_key_or_the_network(
    serve: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve("isolation-probe")  # type: ignore[operator]
    port = server.url.rsplit(":", 1)[1]
    conv = server.script.conversations[0]
    text = json.dumps(conv.turns).replace("$HOST_PORT", port).replace("$PROJECT", str(ROOT))
    turns = json.loads(text)
    server.script = type(server.script)(
        server.script.name, (type(conv)(tuple(turns)),), server.script.done_text
    )
    monkeypatch.setenv("SOME_HARNESS_SECRET", "hunter2-harness-only")
    result = _solve(create(MODEL, api_key=REAL_KEY, base_url=server.url))
    assert result.infra_error is None
    # (the CLI appends <system-reminder> blocks to what a tool printed)
    find, env, net, escape = (
        s.output.split("<system-reminder>")[0].strip() for s in result.trajectory.tools
    )
    assert find == "FIND-DONE", f"the agent found task files: {find}"
    # The project tree is not in the jail's root, even by its absolute host path; the
    # sandbox's seccomp filter refuses new namespaces, mounts and ptrace.
    assert escape.count("No such file or directory") == 2, escape
    assert "ALLOWED" not in escape and escape.count("DENIED") == 4, escape
    assert "Seccomp:\t2" in escape and "NoNewPrivs:\t1" in escape and "ESCAPE-DONE" in escape
    # Not host root: the file it made on its bound workspace belongs to its own uid, which
    # is not 0; as root, that uid is a host uid (the identity map of the host's user
    # namespace) and the jail holds no capability at all.
    owner = re.search(r"OWNER (\d+) UID (\d+)", escape)
    assert owner is not None and owner[1] == owner[2] and int(owner[1]) != 0, escape
    if os.geteuid() == 0:
        assert re.search(r"MAP\s+0\s+0\s+4294967295", escape), escape
        assert int(owner[1]) >= UID_BASE, escape
        assert re.findall(r"Cap(?:Prm|Eff|Amb):\t(\w+)", escape) == ["0" * 16] * 3, escape
    assert result.files.get("made-by-agent") == ""
    assert "ENV-DONE" in env and DUMMY_KEY in env
    assert REAL_KEY not in env and "hunter2" not in env
    assert "CONNECTED" not in net and net.count("REFUSED") == 3, net
    everything = json.dumps([r.body for r in server.requests])
    assert REAL_KEY not in everything  # not in any tool output the model saw either


def test_delegation_mode_records_that_the_parent_delegated(serve: object) -> None:
    server = serve("delegate-to-persona")  # type: ignore[operator]
    result = _solve(create_delegate(MODEL, api_key=REAL_KEY, base_url=server.url))
    assert result.infra_error is None
    trajectory = result.trajectory
    assert trajectory.mode == "delegate" and trajectory.delegated is True
    agents = [(t.agent, t.name) for t in trajectory.tools]
    assert agents[0] == ("main", "Agent")
    assert ("subagent", "Write") in agents and ("subagent", "Bash") in agents
    assert set(result.files) == {"app.py", "test_app.py"}
    assert _delegation(result) == "pass"


def test_delegation_mode_records_a_parent_that_did_it_itself(serve: object) -> None:
    server = serve("rest-crud-tdd")  # type: ignore[operator]
    result = _solve(create_delegate(MODEL, api_key=REAL_KEY, base_url=server.url))
    assert result.infra_error is None
    assert result.trajectory.delegated is False
    assert {t.agent for t in result.trajectory.tools} == {"main"}
    assert _delegation(result) == "fail"


def test_persona_not_loaded_is_an_infra_error(serve: object) -> None:
    server = serve("rest-crud-tdd")  # type: ignore[operator]
    # With only user settings the CLI never reads the workspace's .claude/agents.
    main = create(MODEL, api_key=REAL_KEY, base_url=server.url, setting_sources="user")
    result = _solve(main)  # the CLI itself refuses an unknown --agent
    assert result.infra_error is not None and "'backend-engineer' not found" in result.infra_error
    delegate = create_delegate(MODEL, api_key=REAL_KEY, base_url=server.url, setting_sources="user")
    result = _solve(delegate)  # it starts, but its init line lacks the persona
    assert result.infra_error is not None and "persona not loaded" in result.infra_error


def test_turn_cap_stops_the_agent(serve: object) -> None:
    server = serve("endless-bash")  # type: ignore[operator]
    caps = Caps(max_turns=2)
    result = _solve(create(MODEL, api_key=REAL_KEY, base_url=server.url, caps=caps))
    trajectory = result.trajectory
    assert trajectory.capped == "turns" and result.stop_reason == "cap:turns"
    assert [t.status for t in trajectory.turns] == [200, 200, 400]
    assert server.count("/v1/messages") <= 3  # the capped turn never reached the API


def test_wall_cap_kills_the_agent(serve: object) -> None:
    server = serve("endless-bash")  # type: ignore[operator]
    caps = Caps(wall_s=8)
    result = _solve(create(MODEL, api_key=REAL_KEY, base_url=server.url, caps=caps))
    assert result.trajectory.capped == "wall"
    assert result.trajectory.wall_s < 15
    assert "three" not in " ".join(t.output for t in result.trajectory.tools)


class _Refusing(ScriptedServer):
    """An API that refuses every model call (a broken upstream, for resume)."""

    def _route(self, method: str, path: str, body: object) -> object:  # type: ignore[override]
        from evals.providers._fake_api import Reply

        error = {"type": "error", "error": {"type": "invalid_request_error", "message": "down"}}
        return Reply.json(400, error)


def test_resume_reruns_an_unfinished_agent_sample_from_scratch(
    serve: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    monkeypatch.setenv("ANTHROPIC_API_KEY", REAL_KEY)
    script = load_script(SESSIONS / "rest-crud-tdd.json", ROOT / "tasks")
    with _Refusing(script) as broken:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", broken.url)
        args = ["run", "--model", f"claude-code/{MODEL}", "--task", "rest-crud", "--no-pressure"]
        first = CliRunner().invoke(app, [*args, "--out", str(out)], catch_exceptions=False)
    assert first.exit_code == 3, first.output  # incomplete: one infra error
    (line,) = (out / "samples.jsonl").read_text().splitlines()
    failed = json.loads(line)
    assert failed["status"] == "infra_error" and "no model call succeeded" in failed["error"]
    server = serve("rest-crud-tdd")  # type: ignore[operator]
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
    again = CliRunner().invoke(app, ["run", "--resume", str(out)], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    samples = [json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines()]
    assert [s["status"] for s in samples] == ["infra_error", "ok"]
    attempts = [s["agent"]["attempt"] for s in samples]
    assert attempts[0] != attempts[1]
    trajectories = read_trajectories(out)
    assert set(trajectories) == {(failed["sample_id"], a) for a in attempts}
    fresh = trajectories[(failed["sample_id"], attempts[1])]
    # from scratch: the re-run starts with an empty conversation and writes every file again
    assert [t.name for t in fresh.tools] == ["Write", "Write", "Bash", "Bash"]
    assert json.loads(json.dumps(samples[1]["files"])).keys() == {"app.py", "test_app.py"}
