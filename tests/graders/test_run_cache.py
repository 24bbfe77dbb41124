"""graders._run_cache: a verdict is shared only between runs with identical inputs."""

from __future__ import annotations

import threading
import time

import pytest

from evals.sandbox import Limits
from graders._run_cache import RunCache, run_key


def _key(files: dict[str, str | bytes], **kw: object) -> str:
    args: dict[str, object] = {
        "targets": ["test_a.py"],
        "plugins": [],
        "limits": Limits(),
        "sandbox": "bwrap",
    }
    args.update(kw)
    return run_key(files, **args)  # type: ignore[arg-type]


def test_key_changes_with_every_input() -> None:
    base = _key({"a.py": "x = 1\n", "test_a.py": "def test(): pass\n"})
    assert base == _key({"test_a.py": "def test(): pass\n", "a.py": "x = 1\n"})  # order-free
    assert base != _key({"a.py": "x = 2\n", "test_a.py": "def test(): pass\n"})
    assert base != _key({"a.py": b"x = 1\n", "test_a.py": "def test(): pass\n", "b": ""})
    assert base != _key({"a.py": "x = 1\n", "test_a.py": "def test(): pass\n"}, targets=[])
    assert base != _key({"a.py": "x = 1\n", "test_a.py": "def test(): pass\n"}, plugins=["p"])
    slow = Limits(wall_seconds=5.0)
    assert base != _key({"a.py": "x = 1\n", "test_a.py": "def test(): pass\n"}, limits=slow)
    assert base != _key({"a.py": "x = 1\n", "test_a.py": "def test(): pass\n"}, sandbox="process")
    # Path/content boundaries cannot be shifted to forge a collision.
    assert _key({"ab": "c"}) != _key({"a": "bc"})


def test_concurrent_callers_run_once_and_share_the_verdict() -> None:
    cache, calls = RunCache(), []

    def run() -> bool:
        calls.append(1)
        time.sleep(0.2)
        return False

    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_run("k", run)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1] and results == [False] * 4
    assert cache.get_or_run("k", run) is False and calls == [1]


def test_failures_are_not_cached_and_the_cache_is_bounded() -> None:
    cache = RunCache(max_entries=2)

    def boom() -> bool:
        raise RuntimeError("sandbox died")

    with pytest.raises(RuntimeError):
        cache.get_or_run("k", boom)
    assert cache.get_or_run("k", lambda: True) is True  # retried, not a cached failure
    cache.put("a", False)
    cache.put("b", False)
    assert cache.get_or_run("k", lambda: False) is False  # "k" was evicted: ran again
