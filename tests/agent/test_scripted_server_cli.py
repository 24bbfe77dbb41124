"""``python -m evals.agent.scripted_server``: the offline fake a user points an agent at."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import anthropic

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).parent / "sessions" / "rest-crud-tdd.json"
TOOLS = [{"name": "Write", "description": "write a file", "input_schema": {"type": "object"}}]


def test_serves_the_scripted_turns_to_the_real_sdk_until_stopped() -> None:
    argv = [sys.executable, "-m", "evals.agent.scripted_server", str(SCRIPT)]
    proc = subprocess.Popen(
        [*argv, "--files-root", str(ROOT / "tasks"), "--api-key", "k"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        client = anthropic.Anthropic(base_url=url, api_key="k", max_retries=0, timeout=10)
        reply = client.messages.create(
            model="claude-sonnet-4-5",
            max_tokens=100,
            messages=[
                {
                    "role": "user",
                    "content": "Primary working directory: /tmp/workspace\nBuild the books API.",
                }
            ],
            tools=TOOLS,  # type: ignore[arg-type]
        )
        (write,) = [b for b in reply.content if b.type == "tool_use"]
        assert write.name == "Write"
        assert write.input["file_path"] == "/tmp/workspace/test_app.py"  # type: ignore[index]
        gold = (ROOT / "tasks" / "rest-crud" / "solution" / "test_app.py").read_text()
        assert write.input["content"] == gold  # type: ignore[index]
        wrong = anthropic.Anthropic(base_url=url, api_key="other", max_retries=0, timeout=10)
        try:
            wrong.messages.create(
                model="m", max_tokens=1, messages=[{"role": "user", "content": "x"}]
            )
        except anthropic.AuthenticationError:
            pass
        else:
            raise AssertionError("a wrong key was accepted")
    finally:
        proc.terminate()
        assert proc.wait(10) is not None


def test_an_unreadable_script_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "s.json"
    bad.write_text('{"conversations": []}')
    argv = [sys.executable, "-m", "evals.agent.scripted_server", str(bad)]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert str(bad) in proc.stderr and "conversations" in proc.stderr
