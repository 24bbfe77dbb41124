"""The warm path's shortcuts keep isolation: preloaded modules, trusted bytecode, pytest args."""

from __future__ import annotations

import pytest

from evals.sandbox import Limits, PooledSandbox, get_sandbox
from evals.sandbox._preload import imports_of, preload_names
from evals.sandbox.bwrap import bwrap_problem

LIMITS = Limits(wall_seconds=20)


def test_imports_of_lists_top_level_absolute_imports() -> None:
    source = (
        "import os, json as j\nfrom fastapi.testclient import TestClient\n"
        "from . import local\nif True:\n    import nested\nfrom app import make\n"
    )
    assert imports_of([source, "def broken(:"]) == ["os", "json", "fastapi.testclient", "app"]


def test_preload_names_come_from_the_harness_and_skip_provided_modules() -> None:
    hidden = {"test_hidden.py": "import helpers\nimport xml.dom.minidom\nfrom app import x\n"}
    files = ["app.py", "pkg/helpers.py", "tests/test_own.py", "test_hidden.py"]
    names = preload_names(["fastapi", "test_own", "pkg.sub"], hidden, files)
    # app (candidate module), helpers (a file's module name), pkg (a candidate package),
    # test_own (a candidate test module) are what the files provide: never preloaded.
    # (fastapi's lazy import comes along at the end)
    assert names == ["fastapi", "xml.dom.minidom", "pydantic.v1"]


def test_a_library_brings_the_modules_it_imports_lazily() -> None:
    names = preload_names([], {"t.py": "from fastapi.testclient import TestClient\n"}, [])
    assert names[0] == "fastapi.testclient"
    assert {"starlette.testclient", "anyio._backends._asyncio", "pydantic.v1"} <= set(names)


@pytest.fixture(
    scope="module", params=[pytest.param("bwrap", marks=pytest.mark.sandbox), "process"]
)
def one_worker(request: pytest.FixtureRequest) -> PooledSandbox:
    """A single warm worker, so consecutive samples are forked from the same process."""
    if request.param == "bwrap" and bwrap_problem():
        pytest.skip(f"bwrap unusable: {bwrap_problem()}")
    sb = get_sandbox(request.param, workers=1)
    request.addfinalizer(sb.close)
    assert isinstance(sb, PooledSandbox)
    return sb


PRELOADED = """\
import sys

WAS_LOADED = "xml.dom.minidom" in sys.modules

import xml.dom.minidom as minidom


def test_preloaded():
    assert WAS_LOADED


def test_mark_the_module():
    assert not hasattr(minidom, "touched_by_a_sample")
    minidom.touched_by_a_sample = True
    minidom.Node.touched_by_a_sample = True
"""


def test_preloaded_modules_are_inherited_and_changes_die_with_the_sample(
    one_worker: PooledSandbox,
) -> None:
    for _ in range(2):  # the second sample must not see the first one's changes
        report = one_worker.run_pytest(
            {}, ["test_p.py"], LIMITS, hidden={"test_p.py": PRELOADED}, preload=["pytest"]
        )
        assert report.finished, report.result.stderr[-2000:]
        assert {i: o.outcome for i, o in report.outcomes.items()} == {
            "test_p.py::test_preloaded": "passed",
            "test_p.py::test_mark_the_module": "passed",
        }


NOT_PRELOADED = """\
import sys

WAS_LOADED = "wsgiref.simple_server" in sys.modules

import wsgiref.simple_server


def test_not_preloaded():
    assert not WAS_LOADED
"""


def test_candidate_imports_are_never_preloaded(one_worker: PooledSandbox) -> None:
    # The candidate's own tests (no hidden tests) name a module: the worker ignores it.
    own = {"test_own.py": NOT_PRELOADED}
    report = one_worker.run_pytest(own, ["test_own.py"], LIMITS)
    assert report.finished, report.result.stderr[-2000:]
    assert [o.outcome for o in report.outcomes.values()] == ["passed"]


#: Records which files were compiled from source during the test module's own imports.
BYTECODE = """\
import sys

COMPILED = []
sys.addaudithook(lambda event, args: COMPILED.append(str(args[1])) if event == "compile" else None)

import importlib

import own_module

FRESH = "wsgiref.headers" not in sys.modules
importlib.import_module("wsgiref.headers")  # not an import statement: never preloaded


def test_runtime_modules_load_read_only_bytecode():
    # The standard library lives on a read-only mount in bwrap: its __pycache__ is used.
    assert FRESH
    assert not any(name.endswith("wsgiref/headers.py") for name in COMPILED), COMPILED


def test_workdir_modules_are_compiled_from_source():
    assert own_module.VALUE == "source"
    assert any(name.endswith("own_module.py") for name in COMPILED), COMPILED
"""

#: Plants a valid-looking .pyc for own_module2 in the workdir's __pycache__ (and under
#: the prefix), then imports it: the source must win.
PLANT = """\
import importlib.util, marshal, os, sys
code = compile("VALUE = 'planted'", "x", "exec")
src = os.path.join(os.getcwd(), "own_module2.py")
st = os.stat(src)
header = importlib.util.MAGIC_NUMBER + b"\\0\\0\\0\\0"
header += int(st.st_mtime).to_bytes(4, "little") + (st.st_size & 0xFFFFFFFF).to_bytes(4, "little")
for target in (
    os.path.join("__pycache__", "own_module2." + sys.implementation.cache_tag + ".pyc"),
    importlib.util.cache_from_source(src),
):
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(header + marshal.dumps(code))
    except OSError:
        pass
import own_module2


def test_planted_bytecode_is_ignored():
    assert own_module2.VALUE == "source"
"""


def test_bytecode_only_from_read_only_trees(one_worker: PooledSandbox) -> None:
    files = {"own_module.py": "VALUE = 'source'\n"}
    report = one_worker.run_pytest(files, ["test_b.py"], LIMITS, hidden={"test_b.py": BYTECODE})
    assert report.finished, report.result.stderr[-2000:]
    outcomes = {i.split("::")[1]: o.outcome for i, o in report.outcomes.items()}
    expected_runtime = "passed" if one_worker.name == "bwrap" else "failed"
    assert outcomes == {
        "test_runtime_modules_load_read_only_bytecode": expected_runtime,
        "test_workdir_modules_are_compiled_from_source": "passed",
    }, report.outcomes
    files = {"own_module2.py": "VALUE = 'source'\n"}
    report = one_worker.run_pytest(files, ["test_c.py"], LIMITS, hidden={"test_c.py": PLANT})
    assert report.finished, report.result.stderr[-2000:]
    assert [o.outcome for o in report.outcomes.values()] == ["passed"], report.outcomes


def test_a_failure_still_reports_its_assertion_message(one_worker: PooledSandbox) -> None:
    hidden = {"test_m.py": "def test_m():\n    value = 41\n    assert value + 1 == 43\n"}
    report = one_worker.run_pytest({}, ["test_m.py"], LIMITS, hidden=hidden)
    (outcome,) = report.outcomes.values()
    assert outcome.outcome == "failed"
    assert "assert (41 + 1) == 43" in outcome.message, outcome.message


FIXTURES = """\
import logging
import unittest
import warnings

import pytest


def test_builtin_fixtures(tmp_path, monkeypatch, capsys, caplog, recwarn, request):
    monkeypatch.setenv("X", "1")
    print("out")
    logging.getLogger("t").warning("logged")
    warnings.warn("w", UserWarning)
    (tmp_path / "f").write_text("x")
    assert capsys.readouterr().out == "out\\n"
    assert "logged" in caplog.text and len(recwarn) == 1


@pytest.mark.parametrize("n", [1, 2])
def test_marks(n):
    assert n in (1, 2)


class TestCaseStyle(unittest.TestCase):
    def test_unittest(self):
        self.assertEqual(1 + 1, 2)
"""


def test_the_plugins_tests_use_are_still_loaded(one_worker: PooledSandbox) -> None:
    report = one_worker.run_pytest({}, ["test_f.py"], LIMITS, hidden={"test_f.py": FIXTURES})
    assert report.finished, report.result.stderr[-2000:]
    assert len(report.outcomes) == 4
    assert all(o.outcome == "passed" for o in report.outcomes.values()), report.outcomes


CONFTEST = """\
import pytest


def pytest_addoption(parser):
    parser.addoption("--flavour", default="from-conftest")


@pytest.fixture
def thing():
    return 3
"""

USES_CONFTEST = """\
def test_conftest_is_loaded(thing, pytestconfig):
    assert thing == 3
    assert pytestconfig.getoption("flavour") == "from-conftest"
"""


@pytest.mark.parametrize("where", ["", "tests/"])
def test_own_tests_with_a_conftest_get_it_after_runs_without_one(
    one_worker: PooledSandbox, where: str
) -> None:
    # A run of own tests without a conftest.py: the worker may serve it from its
    # prepared session, which saw no conftest; the next run ships one, which must count.
    plain = one_worker.run_pytest(
        {"test_plain.py": "def test_p():\n    pass\n"}, ["test_plain.py"], LIMITS
    )
    assert [o.outcome for o in plain.outcomes.values()] == ["passed"]
    files = {f"{where}conftest.py": CONFTEST, f"{where}test_c.py": USES_CONFTEST}
    report = one_worker.run_pytest(files, [f"{where}test_c.py"], LIMITS)
    assert report.finished, report.result.stderr[-2000:]
    assert [o.outcome for o in report.outcomes.values()] == ["passed"], report.outcomes
