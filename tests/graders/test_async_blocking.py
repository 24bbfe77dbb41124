"""async_blocking: blocking calls inside async def, offloading exemptions, helpers."""

from __future__ import annotations

import textwrap

import pytest
from static_grader_helpers import assert_accuracy, grade


def _grade(src: str, path: str = "svc.py"):  # type: ignore[no-untyped-def]
    return grade("async_blocking", {path: textwrap.dedent(src)})


def test_labelled_examples_reach_the_floor() -> None:
    assert_accuracy("async_blocking")


def test_evidence_points_at_the_call() -> None:
    g = _grade(
        """
        import time

        async def handler():
            time.sleep(1)
        """
    )
    assert g.verdict == "fail" and g.rule_ids == ["never-sync-io"]
    (ev,) = g.evidence
    assert (ev.file, ev.line, ev.col, ev.snippet) == ("svc.py", 5, 5, "time.sleep(1)")
    assert "async def handler()" in ev.message and "asyncio.sleep" in ev.message


@pytest.mark.parametrize(
    "body",
    [
        "import requests\nasync def f():\n    return requests.post('u', json={})\n",
        "from time import sleep as nap\nasync def f():\n    nap(1)\n",
        "import subprocess\nasync def f():\n    subprocess.check_output(['ls'])\n",
        "async def f(p):\n    with open(p) as fh:\n        return fh.read()\n",
        "import sqlite3\nasync def f():\n    conn = sqlite3.connect('x')\n",
        "import socket\nasync def f():\n    socket.create_connection(('h', 1))\n",
        "async def f(db):\n    db.execute('select 1')\n",  # DB-named, not awaited
        "import urllib.request\nasync def f():\n    urllib.request.urlopen('u')\n",
    ],
)
def test_blocking_calls_fail(body: str) -> None:
    assert _grade(body).verdict == "fail"


@pytest.mark.parametrize(
    "body",
    [
        "import asyncio, requests\nasync def f():\n"
        "    await asyncio.to_thread(requests.get, 'u')\n",
        "import asyncio, time\nasync def f():\n    await asyncio.sleep(1)\n",
        "async def f(db):\n    await db.execute('select 1')\n",
        "async def f(db):\n    async with db.execute('select 1') as cur:\n        pass\n",
        "import requests\ndef f():\n    return requests.get('u')\n",  # sync def: threadpool
        "import asyncio, requests\nasync def f(loop):\n"
        "    await loop.run_in_executor(None, lambda: requests.get('u'))\n",
    ],
)
def test_offloaded_or_async_calls_pass(body: str) -> None:
    assert _grade(body).verdict == "pass"


def test_helper_chain_is_followed_and_explained() -> None:
    g = _grade(
        """
        import subprocess

        def git_sha():
            return subprocess.run(["git", "rev-parse", "HEAD"]).stdout

        def version():
            return git_sha()

        async def info():
            return {"v": version()}
        """
    )
    (ev,) = g.evidence
    assert ev.line == 11 and "version()" in ev.message and "subprocess.run()" in ev.message


def test_methods_resolve_within_their_own_class() -> None:
    g = _grade(
        """
        import requests

        class Client:
            def count(self):
                return requests.get("u").json()

        class Server:
            def count(self):
                return 0

            async def handle(self):
                return self.count()
        """
    )
    assert g.verdict == "pass"


def test_test_files_are_not_graded_and_parse_errors_are_errors() -> None:
    blocking = "import time\nasync def test_x():\n    time.sleep(0)\n"
    assert grade("async_blocking", {"tests/test_x.py": blocking}).verdict == "skipped"
    g = grade("async_blocking", {"svc.py": "async def f(:\n"})
    assert g.verdict == "error" and "svc.py:1" in g.reason
