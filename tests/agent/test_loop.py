"""``agent/<vendor>/<model>``: the built-in tool loop on the real anthropic and openai SDKs,
against the scripted fake on 127.0.0.1; every command runs in a jail (slow)."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.agent._job import AgentJob, AgentResult
from evals.agent.loop import create
from evals.agent.proxy import Caps
from evals.agent.scripted_server import ScriptedServer, load_script
from evals.cli import app
from evals.log import read_trajectories
from evals.persona import load_persona
from evals.sandbox.bwrap import bwrap_problem
from evals.tasks import load_task

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = Path(__file__).parent / "sessions"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.sandbox,
    pytest.mark.skipif(bool(bwrap_problem()), reason=bwrap_problem() or "bwrap works"),
]


@pytest.fixture()
def server() -> Iterator[ScriptedServer]:
    script = load_script(SESSIONS / "loop-rest-crud-tdd.json", ROOT / "tasks")
    with ScriptedServer(script) as running:
        yield running


def _solve(model: str, base_url: str, **options: object) -> AgentResult:
    provider = create(model, api_key="k", base_url=base_url, **options)
    job = AgentJob(
        "s-loop",
        load_task(ROOT / "tasks" / "rest-crud"),
        load_persona(ROOT / "personas" / "backend-engineer.md"),
        "Build the books API.",
    )

    async def go() -> AgentResult:
        try:
            return await provider.solve(job)
        finally:
            await provider.aclose()

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("model", "env", "suffix"),
    [
        ("agent/anthropic/claude-sonnet-4-5", "ANTHROPIC", ""),
        ("agent/openai/gpt-4.1", "OPENAI", "/v1"),
    ],
)
def test_evals_run_grades_a_loop_sample_with_its_trajectory(
    server: ScriptedServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    grading_config: Path,
    model: str,
    env: str,
    suffix: str,
) -> None:
    monkeypatch.setenv(f"{env}_BASE_URL", server.url + suffix)
    monkeypatch.setenv(f"{env}_API_KEY", "test-key")
    out = tmp_path / "run"
    args = ["run", "--model", model, "--task", "rest-crud", "--no-pressure", "--out", str(out)]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (sample,) = [json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines()]
    assert sample["status"] == "ok", sample["error"]
    verdicts = {g["grader"]: g["verdict"] for g in sample["grades"]}
    for grader in ("tests_pass", "lint", "tests_first", "tests_after_edit", "lint_run"):
        assert verdicts[grader] == "pass", (grader, sample["grades"])
    agent = sample["agent"]
    assert agent["mode"] == "loop" and agent["turns"] == 6 and agent["tool_calls"] == 5
    trajectory = read_trajectories(out)[(sample["sample_id"], agent["attempt"])]
    names = [t.name for t in trajectory.tools]
    assert names == ["write", "write", "run_tests", "bash", "read"]
    assert "11 passed" in trajectory.tools[2].output
    # the jail has no network, and file tools never leave the workspace
    assert "Network is unreachable" in trajectory.tools[3].output
    assert (
        trajectory.tools[4].is_error and "outside the project folder" in trajectory.tools[4].output
    )
    assert sample["cost_usd"] > 0 and trajectory.usage.total_tokens == agent["tokens"]
    # the key reached the fake only through the SDK's own header
    headers = {
        r.headers.get("x-api-key") or r.headers.get("authorization") for r in server.requests
    }
    assert headers <= {"test-key", "Bearer test-key"}


def test_file_tools_refuse_symlinks_out_of_the_workspace(tmp_path: Path) -> None:
    from evals.agent._tools import Workspace
    from evals.sandbox.runtime import ensure_runtime

    ws = tmp_path / "ws"
    (tmp_path / "home").mkdir()
    ws.mkdir()
    (tmp_path / "secret.txt").write_text("host secret")
    tools = Workspace(ws, tmp_path / "home", ensure_runtime(), {})

    async def go() -> list[tuple[str, bool]]:
        ws.chmod(0o777)
        made = await tools.run("bash", {"command": f"ln -s {tmp_path}/secret.txt leak && ls -l"})
        outs = [made]
        for name, data in [
            ("read", {"path": "leak"}),
            ("write", {"path": "leak", "content": "x"}),
            ("edit", {"path": "leak", "old_string": "host", "new_string": "x"}),
            ("read", {"path": f"{tmp_path}/secret.txt"}),
        ]:
            outs.append(await tools.run(name, data))
        return outs

    made, *refused = asyncio.run(go())
    assert "leak ->" in made[0]
    assert all(err and "outside the project folder" in out for out, err in refused), refused
    assert (tmp_path / "secret.txt").read_text() == "host secret"


def test_a_jail_is_not_host_root_seen_from_the_host(tmp_path: Path) -> None:
    """What the agent makes on its bound workspace belongs to an unprivileged host uid
    (as root: the sample's leased uid), never to root; files the harness writes for it
    are handed to that uid, so it can still edit them; the lease ends with the sample."""
    from evals.agent._jail import JailUser
    from evals.agent._tools import Workspace
    from evals.sandbox._inside._pe_watch import TreeWatch
    from evals.sandbox._uids import UID_BASE, UID_COUNT
    from evals.sandbox.runtime import ensure_runtime

    ws, home = tmp_path / "ws", tmp_path / "home"
    for folder in (ws, home):
        folder.mkdir()
    with JailUser() as user:
        user.own(ws, home)
        tools = Workspace(ws, home, ensure_runtime(), {}, user=user)

        async def go() -> list[tuple[str, bool]]:
            wrote = await tools.run("write", {"path": "pkg/mod.py", "content": "x = 1\n"})
            ran = await tools.run(
                "bash",
                {"command": "touch made && echo y = 2 >> pkg/mod.py && sleep 5 & sleep 1; id -u"},
            )
            return [wrote, ran]

        async def watch_from_host() -> tuple[list[tuple[str, bool]], set[int]]:
            task = asyncio.ensure_future(go())
            uids: set[int] = set()
            while not task.done():  # the jail's processes as the host's /proc shows them
                for pid in TreeWatch(os.getpid(), 0, 10_000, "agent").tree():
                    try:
                        status = Path(f"/proc/{pid}/status").read_text()
                    except OSError:
                        continue
                    if status.startswith("Name:\tsleep\n"):
                        uids.add(int(status.split("\nUid:\t")[1].split()[0]))
                await asyncio.sleep(0.1)
            return task.result(), uids

        (wrote, ran), seen = asyncio.run(watch_from_host())
        uid = user.uid
    assert not wrote[1] and not ran[1], (wrote, ran)
    for made in (ws / "made", ws / "pkg", ws / "pkg" / "mod.py"):
        assert made.stat().st_uid != 0 and made.stat().st_uid == (uid or os.getuid())
    assert (ws / "pkg" / "mod.py").read_text() == "x = 1\ny = 2\n"
    assert ran[0].split()[-1] == str(uid or os.getuid())
    if os.geteuid() == 0:
        assert uid is not None and UID_BASE <= uid < UID_BASE + UID_COUNT
        assert seen and 0 not in seen and uid in seen, seen


def test_a_command_is_confined_by_the_sandbox_filter_and_whole_tree_limits(
    tmp_path: Path,
) -> None:
    from evals.agent._tools import Workspace
    from evals.sandbox import Limits
    from evals.sandbox.runtime import ensure_runtime

    ws, home = tmp_path / "ws", tmp_path / "home"
    for folder in (ws, home):
        folder.mkdir()
        folder.chmod(0o777)
    limits = Limits(memory_mb=300, max_procs=20, file_size_mb=8, tmpfs_mb=40)
    tools = Workspace(ws, home, ensure_runtime(), {}, limits=limits)
    hog = "import time; b = [bytearray(100 << 20) for _ in range(2)]; time.sleep(30)"
    commands = {
        # three processes of 200 MB each: every one is under 300 MB, the tree is not
        "memory": f"for i in 1 2 3; do python -c '{hog}' & done; wait",
        "procs": "for i in $(seq 40); do sleep 30 & done; wait",
        "fsize": "head -c 9000000 /dev/zero > big; echo exit=$?",
        "seccomp": "python -c 'import ctypes; print(ctypes.CDLL(None).unshare(0x40000000))'",
        # last: the files stay (56 MB > 40 MB), so every later command would be killed too
        "disk": "for i in 1 2 3 4 5 6 7 8; do head -c 7000000 /dev/zero > f$i; done; sleep 30",
    }

    async def go() -> dict[str, tuple[str, bool]]:
        return {k: await tools.run("bash", {"command": c}) for k, c in commands.items()}

    out = asyncio.run(go())
    assert out["memory"][1] and "MB together (limit 300 MB)" in out["memory"][0], out
    assert out["procs"][1] and "processes (limit 20)" in out["procs"][0], out
    assert out["disk"][1] and "(limit 40 MB)" in out["disk"][0], out
    assert "File size limit exceeded" in out["fsize"][0] or "exit=1" in out["fsize"][0], out
    assert (ws / "big").stat().st_size <= 8 << 20
    assert out["seccomp"][0].splitlines()[-1] == "-1", out  # no network namespace escape


def test_agent_cap_option_reaches_the_loop(
    server: ScriptedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    out = tmp_path / "run"
    args = ["run", "--model", "agent/anthropic/claude-sonnet-4-5", "--task", "rest-crud"]
    args += ["--no-pressure", "--agent-cap", "turns=1", "--out", str(out)]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (sample,) = [json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines()]
    assert sample["agent"]["capped"] == "turns" and sample["agent"]["turns"] == 1
    assert sample["files"].keys() == {"test_app.py"}  # graded as far as it got
    verdicts = {g["grader"]: g["verdict"] for g in sample["grades"]}
    assert verdicts["tests_pass"] == "fail" and verdicts["tests_after_edit"] == "fail"


def test_turn_cap_stops_the_loop(server: ScriptedServer) -> None:
    result = _solve("anthropic/claude-sonnet-4-5", server.url, caps=Caps(max_turns=2))
    assert result.trajectory.capped == "turns" and len(result.trajectory.turns) == 2
    assert server.count("/v1/messages") == 2
    assert set(result.files) == {"app.py", "test_app.py"}


def test_dollar_cap_counts_cache_tokens(server: ScriptedServer) -> None:
    # turn 1 costs 1500*3 + 2000*3.75 + 1500*15 = $0.0345 (cache writes included)
    result = _solve("anthropic/claude-sonnet-4-5", server.url, caps=Caps(max_usd=0.03))
    assert result.trajectory.capped == "dollars" and len(result.trajectory.turns) == 1
    assert result.cost_usd == pytest.approx(0.0345)
