"""Attacks on the pytest session the worker builds before forking (``_pe_session``).

In bwrap the sample continues a ``Config``/``Session`` (and every builtin plugin) that the
worker made before any sample existed. They are reachable from candidate code (``gc``,
frames) and the sample may change them at will: register plugins, edit options, replace
hook callers, unregister or impersonate the reporter, add cleanups. None of that may
forge a pass (canaries and the strict record grammar judge the records, outside the
process), and nothing a sample does to them may reach the next sample (they live in the
sample's copy of the worker's memory).
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from _redteam import FORCE_PASS_PLUGIN, GOLD, HIDDEN, STUB, Grader, attack, caught_at_runtime

from evals.sandbox import PooledSandbox
from evals.sandbox.canary import plant_canaries

#: The session's Config, reached from the frame of ``_pe_session.finish`` (which runs
#: the collection that imports this module), then a plugin that forces every report.
CONFIG_FROM_FRAME_PLUGIN = (
    FORCE_PASS_PLUGIN
    + """import sys as _sys
_f = _g(_sys, '_get~frame')()
while _f is not None:
    _c = _f.f_locals.get('config')
    if type(_c).__name__ == 'Config':
        _c.pluginmanager.register(_Plugin(), 'forger')
        break
    _f = _f.f_back
"""
)

#: Deselects every test through the pre-built config's options (nothing runs, nothing fails).
DESELECT_BY_OPTION = """
for _o in _g(_m('g~c'), 'get_~objects')():
    if type(_o).__name__ == 'Config' and hasattr(_o, 'option'):
        _o.option.keyword = 'no_test_is_called_this'
        _o.option.deselect = [_o.rootpath]
"""

#: Replaces the hook caller the reporter is called through: every report reads "passed".
FORGE_HOOK_RELAY = """
for _o in _g(_m('g~c'), 'get_~objects')():
    if type(_o).__name__ == 'Config' and hasattr(_o, 'hook'):
        class _Forged:  # passes for the HookCaller (check_pending asks it has_spec())
            def __init__(self, caller):
                self._caller = caller
            def __getattr__(self, name):
                return getattr(self._caller, name)
            def __call__(self, **kwargs):
                kwargs['report'].outcome, kwargs['report'].longrepr = 'passed', None
                return self._caller(**kwargs)
        _name = 'pytest_runtest_' + 'logreport'
        setattr(_o.hook, _name, _Forged(getattr(_o.hook, _name)))
"""

#: A plugin on the pre-built plugin manager that turns every collected test into a no-op on
#: the instance (class attributes stay as snapshotted: the tamper list sees nothing).
NOOP_ITEMS = """
_hookimpl = _g(_m('plu~ggy'), 'Hookimpl~Marker')('pytest')
class _Plugin:
    pass
def _modify(self, session, config, items):
    for item in items:
        setattr(item, 'run' + 'test', lambda: None)
setattr(_Plugin, 'py' + 'test_collection_modifyitems', _hookimpl(trylast=True)(_modify))
for _o in _g(_m('g~c'), 'get_~objects')():
    if type(_o).__name__ == 'PytestPluginManager':
        _o.register(_Plugin(), 'noop-items')
"""

#: Unregisters the reporter and impersonates it: forwards its records, all "passed".
IMPERSONATE_REPORTER = """
_hookimpl = _g(_m('plu~ggy'), 'Hookimpl~Marker')('pytest')
for _o in _g(_m('g~c'), 'get_~objects')():
    if type(_o).__name__ == 'Reporter' and hasattr(_o, 'emit'):
        _rep = _o
for _o in _g(_m('g~c'), 'get_~objects')():
    if type(_o).__name__ == 'PytestPluginManager':
        _o.unregister(_rep)
        class _Twin:
            pass
        def _log(self, report):
            _rep.emit({'t': 'test', 'id': report.nodeid, 'when': report.when,
                       'outcome': 'passed', 'msg': ''})
        def _fin(self, session, exitstatus):
            _rep.emit({'t': 'finish', 'exitstatus': 0,
                       'collected': session.testscollected, 'tampered': []})
        setattr(_Twin, 'py' + 'test_runtest_logreport', _log)
        setattr(_Twin, 'py' + 'test_sessionfinish', _fin)
        _o.register(_Twin(), 'twin')
"""

#: A cleanup on the pre-built config runs after the reporter's finish record: it writes a
#: second, all-passed stream.
LATE_CLEANUP_RECORDS = """
import os as _os, json as _json
def _late(_seq=[100]):
    for _n in range(8):
        _os.write(3, (_json.dumps({'t': 'finish', 'exitstatus': 0, 'collected': 8,
                                   'tampered': [], 'seq': _seq[0] + _n}) + '\\n').encode())
for _o in _g(_m('g~c'), 'get_~objects')():
    if type(_o).__name__ == 'Config' and hasattr(_o, 'add_cleanup'):
        _o.add_cleanup(_late)
"""

#: Rewrites pytest's terminal summary to an all-green one (stdout is never a result).
TERMINAL_ALL_GREEN = """
for _o in _g(_m('g~c'), 'get_~objects')():
    if type(_o).__name__ == 'TerminalReporter':
        _o.stats.clear()
        _o.stats['passed'] = ['x'] * 8
        _o.write_line = lambda *a, **k: None
        print('8 passed in 0.01s')
"""

#: Sets the session counters and stop flags of the pre-built Session.
SESSION_COUNTERS = """
for _o in _g(_m('g~c'), 'get_~objects')():
    if type(_o).__name__ == 'Session' and hasattr(_o, 'testsfailed'):
        _o.testsfailed = 0
        _o.shouldstop = 'enough'
"""

ATTACKS = {
    "config_from_finish_frame_plugin": attack(CONFIG_FROM_FRAME_PLUGIN),
    "deselect_everything_by_option": attack(DESELECT_BY_OPTION),
    "forge_the_hook_relay": attack(FORGE_HOOK_RELAY),
    "noop_items_from_prebuilt_manager": attack(NOOP_ITEMS),
    "impersonate_the_reporter": attack(IMPERSONATE_REPORTER),
    "late_records_from_config_cleanup": attack(LATE_CLEANUP_RECORDS),
    "terminal_reporter_all_green": attack(TERMINAL_ALL_GREEN),
    "session_counters_and_stop": attack(SESSION_COUNTERS),
}

#: The payloads that produce an all-passed stream when no canary is planted.
FORGERS = [
    "config_from_finish_frame_plugin",
    "forge_the_hook_relay",
    "noop_items_from_prebuilt_manager",
    "impersonate_the_reporter",
]


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_prebuilt_session_attack_never_passes(
    name: str, grade: Grader, healthy: Callable[[], None]
) -> None:
    result = grade(ATTACKS[name])
    assert caught_at_runtime(result), (result.verdict, result.reason)
    assert result.verdict != "error", result.reason
    healthy()


@pytest.mark.parametrize("name", FORGERS)
def test_forcing_through_the_prebuilt_session_is_an_integrity_failure(
    name: str, grade: Grader
) -> None:
    result = grade(ATTACKS[name])
    assert (result.verdict, result.kind) == ("fail", "integrity"), result.reason


@pytest.mark.parametrize("name", FORGERS)
def test_the_forgers_really_forge_without_canaries(name: str, sandbox: PooledSandbox) -> None:
    """Not vacuous: with no canary, each turns the stub's 8 failures into 8 passes."""
    plan = plant_canaries({"test_hidden_ops.py": HIDDEN}, mutants=0, rng=random.Random(0))
    report = sandbox.run_pytest(ATTACKS[name], ["test_hidden_ops.py"], hidden=plan.hidden)
    outcomes = plan.real_outcomes(report)
    assert len(outcomes) == 8 and {o.outcome for o in outcomes.values()} == {"passed"}


def test_changes_to_the_prebuilt_session_die_with_the_sample(grade: Grader) -> None:
    """Each worker serves attack samples, then plain stubs and gold: the stubs still fail
    on their merits and gold still passes (a forger registered in one sample's config, or
    an option it set, is not in the next sample's)."""
    for _ in range(3):  # > the pool's two workers, so every worker served an attacker
        for name in ("config_from_finish_frame_plugin", "deselect_everything_by_option"):
            assert grade(ATTACKS[name]).verdict == "fail"
    for _ in range(3):
        stub = grade({"ops.py": STUB})
        assert (stub.verdict, stub.kind) == ("fail", "tests_failed"), stub.reason
    gold = grade({"ops.py": GOLD})
    assert gold.verdict == "pass", gold.reason


#: A harness test that looks at what the sample inherited from the worker.
INHERITED = """
import gc
import os
import sys


def _prepared():
    return [o for o in gc.get_objects() if type(o).__name__ == "Prepared"]


def test_the_sample_runs_in_the_prebuilt_session(request):
    (prepared,) = _prepared()
    assert prepared.config is request.config and prepared.session is request.session


def test_the_prebuilt_session_holds_nothing_the_sample_lacks(request):
    (prepared,) = _prepared()
    args, env = prepared.key
    assert dict(env).items() <= dict(os.environ).items()
    for fd in prepared.fds:
        assert os.readlink(f"/proc/self/fd/{fd}") == os.devnull
"""


@pytest.mark.sandbox
def test_prebuilt_session_is_used_and_holds_no_secret(bwrap_sandbox: PooledSandbox) -> None:
    """bwrap samples do continue the worker's session (so the attacks above exercise it),
    whose key is the sample's own environment and whose kept descriptors are /dev/null."""
    for _ in range(3):
        report = bwrap_sandbox.run_pytest(
            {"ops.py": GOLD}, ["test_inherited.py"], hidden={"test_inherited.py": INHERITED}
        )
        assert {o.outcome for o in report.outcomes.values()} == {"passed"}, report.outcomes
        assert len(report.outcomes) == 2
