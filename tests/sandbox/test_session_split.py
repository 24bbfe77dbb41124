"""The worker's pre-built pytest session (``_pe_session``) gives what ``pytest.main`` gives.

``_split_harness.py`` runs the same samples as the worker does, forked one after another
from one process: once with the session prepared before the fork (``split``), once with
``pytest.main`` in every sample (``main``). The reporter's records (outcome per test id
and phase, failure message, counts, exit status), the exit code and the terminal output
must be equal, for hidden-test runs and for runs of the candidate's own tests (in the
workdir, conftest loading on, no ``conftest.py``), over pass / fail / fixture errors /
skips / xfail / xpass / caplog / capsys / tmp_path / monkeypatch / unittest /
parametrize / collection and import errors / exits, and every sample runs twice in the
same worker: a sample that changes the session, the config, ``sys.modules``, a module
global or the cwd must not change the next one.
"""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import evals.sandbox.runtime as rt

INSIDE = Path(__file__).resolve().parents[2] / "evals" / "sandbox" / "_inside"
HARNESS = Path(__file__).with_name("_split_harness.py")

CASES = """
import gc
import logging
import os
import sys
import threading
import unittest
import warnings

import pytest


def test_pass():
    assert 1 + 1 == 2


def test_fail():
    assert [1, 2] == [1, 3]


def test_fail_message():
    value = {"a": 1}
    assert value["a"] == 2, "custom message"


def test_sys_exit():
    sys.exit(5)


@pytest.fixture
def broken():
    raise RuntimeError("fixture broke")


def test_error_in_fixture(broken):
    pass


@pytest.fixture
def bad_teardown():
    yield
    raise ValueError("teardown broke")


def test_error_in_teardown(bad_teardown):
    pass


def test_skip():
    pytest.skip("not today")


@pytest.mark.skip(reason="marked")
def test_skip_mark():
    pass


@pytest.mark.skipif(sys.platform.startswith("linux"), reason="on linux")
def test_skipif():
    pass


@pytest.mark.xfail(reason="known")
def test_xfail():
    assert False


@pytest.mark.xfail(reason="fixed")
def test_xpass():
    pass


@pytest.mark.xfail(strict=True, reason="strict")
def test_xpass_strict():
    pass


def test_xfail_imperative():
    pytest.xfail("imperative")


def test_caplog(caplog):
    logging.getLogger("cases").warning("hello %s", "there")
    assert [r.getMessage() for r in caplog.records] == ["hello there"]


def test_caplog_fails(caplog):
    logging.getLogger("cases").error("boom")
    assert not caplog.records


def test_capsys(capsys):
    print("out")
    sys.stderr.write("err")
    assert capsys.readouterr() == ("out\\n", "err")


def test_capfd(capfd):
    os.write(1, b"fd-out")
    assert capfd.readouterr().out == "fd-out"


def test_tmp_path(tmp_path):
    (tmp_path / "f.txt").write_text("x")
    assert (tmp_path / "f.txt").read_text() == "x"
    assert tmp_path.name == "test_tmp_path0"
    assert str(tmp_path).startswith(os.environ["TMPDIR"])


def test_tmp_path_factory(tmp_path_factory):
    assert tmp_path_factory.mktemp("made").is_dir()


def test_monkeypatch(monkeypatch):
    monkeypatch.setenv("CASES_VAR", "1")
    monkeypatch.setattr(os, "sep", "!")
    assert os.sep == "!" and os.environ["CASES_VAR"] == "1"


def test_monkeypatch_undone():
    assert os.sep == "/" and "CASES_VAR" not in os.environ


@pytest.mark.parametrize(("n", "expected"), [(1, 2), (2, 4), (3, 7)])
def test_double(n, expected):
    assert n * 2 == expected


class TestUnit(unittest.TestCase):
    def setUp(self):
        self.value = 3

    def test_ok(self):
        self.assertEqual(self.value, 3)

    def test_fail(self):
        self.assertEqual(self.value, 4)

    @unittest.skip("unittest skip")
    def test_skipped(self):
        pass

    @unittest.expectedFailure
    def test_expected_failure(self):
        self.assertEqual(1, 2)


class TestPlain:
    def test_method(self):
        assert True


def test_warns():
    with pytest.warns(UserWarning):
        warnings.warn("w", UserWarning)


def test_warning_recorded():
    warnings.warn("shows in the summary", UserWarning)


def test_raises():
    with pytest.raises(ZeroDivisionError):
        1 / 0


class _Dies:
    def __del__(self):
        raise RuntimeError("unraisable in __del__")


def test_unraisable():
    _Dies()
    gc.collect()


def test_thread_exception():
    thread = threading.Thread(target=lambda: 1 / 0)
    thread.start()
    thread.join()


def test_request_config(request):
    config = request.config
    assert config.args_source.name == "ARGS"
    assert config.args[0].endswith("test_cases.py")
    assert config.invocation_params.args[-1].endswith("test_cases.py")
    # hidden tests: --rootdir is their folder (the ini's); own tests: the workdir
    assert config.rootpath in (config.inipath.parent, config.invocation_params.dir)
    assert request.session.testscollected == len(request.session.items)
"""

OTHER = """
def test_other_pass():
    assert True


def test_other_fail():
    assert 2 < 1
"""

#: Everything a sample could leave behind in the worker if the worker served it.
LEAK_SET = """
import json
import os
import sys


def test_set_state(request):
    json.LEAKED = True
    sys.modules["leaked_mod"] = type(sys)("leaked_mod")
    sys.path.append("/leaked")
    request.config.addinivalue_line("markers", "leaked: set by an earlier sample")
    request.config.pluginmanager.register(type("Leak", (), {})(), "leaked-plugin")
    request.config.option.leaked = True
    request.config.stash_leak = True
    request.session.leaked = True
    os.environ["LEAKED"] = "1"
    os.chdir("/")
"""

LEAK_CHECK = """
import json
import os
import sys


def test_no_state_from_earlier_samples(request):
    assert not hasattr(json, "LEAKED")
    assert "leaked_mod" not in sys.modules
    assert "/leaked" not in sys.path
    assert not [m for m in request.config.getini("markers") if m.startswith("leaked")]
    assert request.config.pluginmanager.get_plugin("leaked-plugin") is None
    assert not hasattr(request.config.option, "leaked")
    assert not hasattr(request.config, "stash_leak")
    assert not hasattr(request.session, "leaked")
    assert "LEAKED" not in os.environ
    assert os.getcwd() == os.environ["PWD"]
    assert request.session.testsfailed == 0


def test_only_this_samples_items(request):
    assert [i.name for i in request.session.items] == [
        "test_no_state_from_earlier_samples",
        "test_only_this_samples_items",
    ]
"""

FILES = {
    "test_cases.py": CASES,
    "test_other.py": OTHER,
    "test_collect_error.py": "def test_broken(:\n    pass\n",
    "test_import_error.py": "import no_such_module_anywhere\n\n\ndef test_x():\n    pass\n",
    "test_module_skip.py": "import pytest\n\npytest.skip('module', allow_module_level=True)\n",
    "test_exit.py": "import pytest\n\n\ndef test_a():\n    pytest.exit('bye', returncode=3)\n",
    "test_interrupt.py": "def test_a():\n    raise KeyboardInterrupt\n\n\ndef test_b():\n    pass",
    "test_leak_set.py": LEAK_SET,
    "test_leak_check.py": LEAK_CHECK,
}

#: Target lists, one sample each; the leak checker runs after the leaker.
SAMPLES = [
    ["test_cases.py"],
    ["test_cases.py", "test_other.py"],
    ["test_cases.py::test_pass", "test_other.py::test_other_fail"],
    ["test_collect_error.py", "test_other.py"],
    ["test_import_error.py"],
    ["test_module_skip.py"],
    ["test_exit.py"],
    ["test_interrupt.py"],
    ["test_leak_set.py"],
    ["test_leak_check.py"],
    ["no_such_file.py"],
]
#: Every sample twice in one worker: the second round must equal the first.
ROUNDS = 2


def _hidden(targets: list[str]) -> dict[str, str]:
    # Never empty: the worker prepares sessions for hidden-test runs only.
    names = {t.split("::")[0] for t in targets} | {"test_other.py"}
    return {n: textwrap.dedent(FILES[n]).lstrip() for n in names if n in FILES}


def _run(mode: str, tmp: Path, samples: list[list[str]], kind: str = "hidden") -> dict[str, Any]:
    base = tmp / f"{mode}-{kind}"
    where = "hidden" if kind == "hidden" else "files"  # own: the candidate's tests
    spec = {
        "base": str(base),
        "samples": [{where: _hidden(s), "argv": s} for s in samples],
    }
    spec_path = tmp / f"{mode}-{kind}.json"
    spec_path.write_text(json.dumps(spec))
    python = rt.ensure_runtime().python
    proc = subprocess.run(
        [str(python), "-B", str(HARNESS), str(INSIDE), mode, str(spec_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out: dict[str, Any] = json.loads(proc.stdout.splitlines()[-1])
    for sample in out["samples"]:
        sample["records"] = [_normal_record(r, str(base)) for r in sample["records"]]
        sample["stdout"] = _normal_text(sample["stdout"], str(base))
    return out


def _normal_text(text: str, base: str) -> str:
    text = re.sub(r" at 0x[0-9a-f]+>", " at 0x...>", text.replace(base, "<base>"))
    return re.sub(r"\d+\.\d+s", "N.NNs", text)


def _normal_record(record: dict[str, Any], base: str) -> dict[str, Any]:
    out = {k: v for k, v in record.items() if k != "pid"}
    if "msg" in out:
        out["msg"] = _normal_text(out["msg"], base)
    return out


@cache
def _both(tmp: str, kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    samples = SAMPLES * ROUNDS
    return _run("split", Path(tmp), samples, kind), _run("main", Path(tmp), samples, kind)


@pytest.fixture(scope="module", params=["hidden", "own"])
def runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], dict[str, Any]]:
    return _both(str(tmp_path_factory.mktemp("split")), request.param)


def _outcomes(sample: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(r["id"], r["when"]): r["outcome"] for r in sample["records"] if r["t"] == "test"}


def test_the_split_is_used_and_prepared_once(runs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    split, main = runs
    assert (split["prepares"], main["prepares"]) == (1, 0)
    # The harness makes pytest.main exit 99 in split samples: no sample fell back to it.
    assert 99 not in [s["code"] for s in split["samples"]]


@pytest.mark.parametrize("index", range(len(SAMPLES) * ROUNDS))
def test_records_equal_pytest_main(index: int, runs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    split, main = (r["samples"][index] for r in runs)
    targets = SAMPLES[index % len(SAMPLES)]
    assert split["records"] == main["records"], targets
    assert split["code"] == main["code"], targets
    assert split["stdout"] == main["stdout"], targets


@pytest.mark.parametrize("index", range(len(SAMPLES)))
def test_second_round_equals_first(index: int, runs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """Whatever earlier samples did, a sample's records depend only on the sample."""
    samples = runs[0]["samples"]
    first, second = samples[index], samples[index + len(SAMPLES)]
    assert (first["records"], first["code"]) == (second["records"], second["code"])
    assert first["stdout"] == second["stdout"]


def test_the_cases_cover_what_they_claim(runs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """The comparison is not vacuous: every kind of outcome occurs (split run)."""
    cases = runs[0]["samples"][0]
    outcomes = _outcomes(cases)
    assert outcomes[("test_cases.py::test_pass", "call")] == "passed"
    assert outcomes[("test_cases.py::test_fail", "call")] == "failed"
    assert outcomes[("test_cases.py::test_error_in_fixture", "setup")] == "failed"
    assert outcomes[("test_cases.py::test_error_in_teardown", "teardown")] == "failed"
    assert outcomes[("test_cases.py::test_skip", "setup")] == "skipped" or (
        outcomes[("test_cases.py::test_skip", "call")] == "skipped"
    )
    assert outcomes[("test_cases.py::test_xfail", "call")] == "skipped"  # xfail
    assert outcomes[("test_cases.py::test_xpass", "call")] == "passed"  # xpass
    assert outcomes[("test_cases.py::test_xpass_strict", "call")] == "failed"
    assert outcomes[("test_cases.py::test_caplog_fails", "call")] == "failed"
    assert outcomes[("test_cases.py::test_double[3-7]", "call")] == "failed"
    assert outcomes[("test_cases.py::TestUnit::test_fail", "call")] == "failed"
    assert outcomes[("test_cases.py::TestUnit::test_ok", "call")] == "passed"
    passed = [k for k, v in outcomes.items() if k[1] == "call" and v == "passed"]
    assert len(passed) >= 15, passed
    # Assertion rewriting is on (the rewriter's import hook is the session's).
    fail = next(
        r
        for r in cases["records"]
        if r.get("id") == "test_cases.py::test_fail" and r["when"] == "call"
    )
    assert "assert [1, 2] == [1, 3]" in fail["msg"], fail
    assert "PytestUnraisableExceptionWarning" in cases["stdout"]
    assert "PytestUnhandledThreadExceptionWarning" in cases["stdout"]
    finish = cases["records"][-1]
    assert finish["t"] == "finish" and finish["tampered"] == []
    assert finish["collected"] == len({k[0] for k in outcomes})
    by_targets = {tuple(t): s for t, s in zip(SAMPLES, runs[0]["samples"], strict=False)}
    collect = by_targets[("test_collect_error.py", "test_other.py")]
    assert [r["t"] for r in collect["records"]].count("collect_error") == 1
    assert collect["code"] == 2
    imp = by_targets[("test_import_error.py",)]
    assert "no_such_module_anywhere" in imp["records"][1]["msg"]
    assert by_targets[("test_exit.py",)]["code"] == 3
    assert by_targets[("test_interrupt.py",)]["code"] == 2
    assert by_targets[("no_such_file.py",)]["code"] == 4
    node = by_targets[("test_cases.py::test_pass", "test_other.py::test_other_fail")]
    assert set(_outcomes(node)) == {
        (n, w)
        for n in ("test_cases.py::test_pass", "test_other.py::test_other_fail")
        for w in ("setup", "call", "teardown")
    }


def test_nothing_leaks_into_the_next_sample(runs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    for run in runs:
        for sample in run["samples"][SAMPLES.index(["test_leak_check.py"]) :: len(SAMPLES)]:
            outcomes = _outcomes(sample)
            assert outcomes, sample
            assert set(outcomes.values()) == {"passed"}, sample["records"]


def test_the_leak_checker_sees_a_leak(tmp_path: Path) -> None:
    """Control: the checker fails when the leaker ran in the same process before it."""
    out = _run("split", tmp_path, [["test_leak_set.py", "test_leak_check.py"]])
    outcomes = _outcomes(out["samples"][0])
    assert outcomes[("test_leak_check.py::test_no_state_from_earlier_samples", "call")] == "failed"
    assert outcomes[("test_leak_check.py::test_only_this_samples_items", "call")] == "failed"


def test_prepare_leaves_the_worker_as_it_found_it(
    runs: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """sys.meta_path, hooks, env, cwd, warnings filters, logging, signals, threads: the
    worker's own (pytest's import hook and exception hooks go to the sample only)."""
    assert runs[0]["changed"] == []
    assert runs[1]["changed"] == []


#: sha256 (first 16 hex digits) of the source of each pytest function ``_pe_session``
#: splits or depends on, for the runtime venv's pytest (``_pe_session.PYTEST_VERSION``).
PINNED = {
    "_pytest.config.main": "55ec13df5eb19e10",
    "_pytest.config._prepareconfig": "cec8eae15fc6ab64",
    "_pytest.config.Config._do_configure": "190f07f482811ea7",
    "_pytest.config.Config._ensure_unconfigure": "b5c53b868942ff54",
    "_pytest.config.Config._decide_args": "032bb9d788c4bdcb",
    "_pytest.config.Config.InvocationParams": "861eb7d41bfbc4fc",
    "_pytest.main.wrap_session": "5b55e253fceb5590",
    "_pytest.main._main": "65428e212aeb6968",
    "_pytest.main.pytest_cmdline_main": "8602513ebb976dde",
    "_pytest.main.Session.from_config": "ed460494fc6e2630",
    "_pytest.assertion.install_importhook": "1ecdb26932426556",
    "_pytest.unraisableexception.pytest_configure": "812629a3c732a927",
    "_pytest.threadexception.pytest_configure": "3d72c6a8133cfc10",
    "_pytest.debugging.pytest_configure": "d42fc9f2676a606a",
    "_pytest.legacypath.pytest_configure": "f4f8d5c6e6dac05b",
    "_pytest.terminal.TerminalReporter.pytest_sessionstart": "372ea75906120a14",
}

_HASHES = """
import hashlib, importlib, inspect, json, sys
out = {}
for name in sys.argv[1:]:
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        break
    out[name] = hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()[:16]
import pytest
print(json.dumps({"version": pytest.__version__, "hashes": out}))
"""


def test_pytest_functions_split_are_unchanged() -> None:
    """Tripwire: a pytest upgrade that changes what ``_pe_session`` mirrors must be re-read."""
    python = rt.ensure_runtime().python
    proc = subprocess.run(
        [str(python), "-c", _HASHES, *PINNED], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    changed = sorted(n for n, h in got["hashes"].items() if PINNED[n] != h)
    assert not changed, (
        f"pytest {got['version']} changed {changed}: evals/sandbox/_inside/_pe_session.py "
        "mirrors them (prepare = first half of wrap_session, finish = the rest and "
        "config.main's exit handling; the hooks it moves between worker and sample). "
        "Re-check it against the new source, bump PYTEST_VERSION there, then update "
        "PINNED in tests/sandbox/test_session_split.py."
    )


def test_an_own_tests_run_never_evicts_a_hidden_test_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(INSIDE))
    import _pe_session  # the worker's module (no pytest import at module level)

    made: list[str] = []
    undone: list[object] = []
    monkeypatch.setattr(
        _pe_session, "prepare", lambda args, env, wd: made.append(args[0]) or object()
    )
    monkeypatch.setattr(_pe_session, "_unconfigure", undone.append)
    cache = _pe_session.Cache()
    own = cache.get(["own"], {}, "/w", evict=False)  # nothing held: an own-tests run takes it
    assert own is not None and cache.get(["own"], {}, "/w", evict=False) is own
    hidden = cache.get(["hidden"], {}, "/w")  # a hidden-test run evicts it
    assert hidden is not None and undone == [own]
    assert cache.get(["own"], {}, "/w", evict=False) is None  # ...but never the reverse
    assert cache.get(["hidden"], {}, "/w") is hidden
    assert made == ["own", "hidden"] and undone == [own]
