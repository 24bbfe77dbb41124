"""The scripted fake for ``evals bench agent``, in a child process of its own.

In the same process as the harness, the fake's thread and the proxy's event loop share
one GIL: every time the proxy hands the fake a request (a ``send`` releases the GIL) it
then waits for the fake's thread to give the GIL back, up to the 5 ms switch interval,
several times per exchange. A profile of the harness side showed exactly that
(``socket.send`` 3.7 ms per call). The same-jail-direct side had no such neighbour, so
the old figure charged the fake's GIL to the harness. A real upstream is another
machine; in a child process the fake competes with the harness for CPU only, as it would.

``python -m evals.agent._bench_fake --turns N [--latency S]`` prints its URL, then
answers each ``marks`` line on stdin with one JSON line: ``[[arrival, has_tools], ...]``
for every request so far (``time.perf_counter()``: CLOCK_MONOTONIC, the same clock in
every process of the machine). It exits when stdin closes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from evals.agent.scripted_server import Conversation, Script, ScriptedServer

__all__ = ["SpawnedScripted", "bench_script"]


def bench_script(turns: int) -> Script:
    """``turns`` model turns: ``turns - 1`` Bash ``true`` calls, then a final text."""
    steps: list[dict[str, Any]] = [
        {"content": [{"type": "tool_use", "name": "Bash", "input": {"command": "true"}}]}
        for _ in range(turns - 1)
    ]
    final = {"content": [{"type": "text", "text": "ok"}]}
    return Script("bench", (Conversation((*steps, final)),))


class SpawnedScripted:
    """The bench fake in a child process; :meth:`marks` reads its request log."""

    def __init__(self, turns: int, latency_s: float = 0.0) -> None:
        self.turns, self.latency_s = turns, latency_s
        self.url = ""
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> SpawnedScripted:
        argv = [sys.executable, "-m", "evals.agent._bench_fake", "--turns", str(self.turns)]
        self._proc = subprocess.Popen(
            [*argv, "--latency", str(self.latency_s)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        self.url = self._proc.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.__exit__()
            raise RuntimeError("the bench fake did not start")
        return self

    def marks(self) -> list[tuple[float, bool]]:
        """``(arrival, has_tools)`` of every request received so far, in order."""
        assert self._proc is not None and self._proc.stdin and self._proc.stdout
        self._proc.stdin.write("marks\n")
        self._proc.stdin.flush()
        return [(float(t), bool(tools)) for t, tools in json.loads(self._proc.stdout.readline())]

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="evals.agent._bench_fake")
    parser.add_argument("--turns", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    opts = parser.parse_args(argv)
    server = ScriptedServer(bench_script(opts.turns), latency_s=opts.latency)
    with server:
        print(server.url, flush=True)
        for line in sys.stdin:
            if line.strip() == "marks":
                marks = [
                    [t, isinstance(r.body, dict) and bool(r.body.get("tools"))]
                    for t, r in zip(list(server.arrivals), list(server.requests), strict=False)
                ]
                print(json.dumps(marks), flush=True)


if __name__ == "__main__":
    main()
