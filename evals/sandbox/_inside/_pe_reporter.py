"""The pytest plugin that reports per-test outcomes to the worker, out of band.

Records go to a pipe on descriptor 3 (close-on-exec, so no program the candidate starts
inherits it), one JSON line each, sequence-numbered. Nothing here is secret, on purpose:
this runs in the candidate's process, so anything it holds (a key, the descriptor, this
object) is the candidate's too. The verdict therefore never rests on these records being
authentic: the harness checks their grammar strictly (a malformed, missing or
out-of-order record is an integrity failure) and checks them against per-sample canary
tests the candidate cannot tell from the real ones (``evals/sandbox/canary.py``). Stdout,
stderr and the workdir are never read as results. The end-of-session comparison of the
pytest internals snapshotted before any candidate import is a signal, not the wall.
"""

from __future__ import annotations

import builtins
import json
import os
from typing import Any

#: (module, dotted attribute) of the pytest machinery a forger would patch.
_WATCHED = (
    ("_pytest.runner", "pytest_runtest_protocol"),
    ("_pytest.runner", "runtestprotocol"),
    ("_pytest.runner", "call_and_report"),
    ("_pytest.runner", "call_runtest_hook"),
    ("_pytest.runner", "pytest_runtest_makereport"),
    ("_pytest.runner", "CallInfo.from_call"),
    ("_pytest.reports", "TestReport.from_item_and_call"),
    ("_pytest.reports", "TestReport.__init__"),
    ("_pytest.reports", "BaseReport.passed"),
    ("_pytest.reports", "BaseReport.failed"),
    ("_pytest.python", "pytest_pyfunc_call"),
    ("_pytest.python", "Function.runtest"),
    ("_pytest.main", "pytest_runtestloop"),
    ("_pytest.outcomes", "skip"),
    ("_pytest.outcomes", "fail"),
    ("_pytest.outcomes", "xfail"),
    ("_pytest.outcomes", "exit"),
    ("pluggy._callers", "_multicall"),
    ("pluggy._hooks", "HookCaller.__call__"),
    ("pluggy._manager", "PluginManager._hookexec"),
)


def _resolve(module: str, dotted: str) -> Any:
    import importlib

    obj: Any = importlib.import_module(module)
    for part in dotted.split("."):
        obj = getattr(obj, part) if not isinstance(obj, type) else obj.__dict__[part]
    return obj


def _snapshot() -> dict[tuple[str, str], Any]:
    snap: dict[tuple[str, str], Any] = {}
    for module, dotted in _WATCHED:
        try:
            snap[(module, dotted)] = _resolve(module, dotted)
        except (ImportError, AttributeError, KeyError):
            continue
    return snap


def _trim(text: str, limit: int = 400) -> str:
    lines = [ln.rstrip() for ln in text.strip().splitlines() if ln.strip()]
    out = " | ".join(lines[:4])
    return out if len(out) <= limit else out[: limit - 3] + "..."


def _message(report: Any) -> str:
    longrepr = getattr(report, "longrepr", None)
    if longrepr is None:
        return ""
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None and getattr(crash, "message", None):
        return _trim(str(crash.message))
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # skip: (path, line, reason)
        return _trim(str(longrepr[2]))
    return _trim(str(longrepr).splitlines()[-1] if str(longrepr) else "")


class Reporter:
    """Write per-test records to ``fd``; see the module docstring."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._seq = 0
        # Bound now, before candidate code runs, so patching os/json/hmac later is moot.
        self._write = os.write
        self._dumps = json.dumps
        self._watched = _snapshot()
        self._builtins = dict(vars(builtins))
        self._methods = {name: value for name, value in vars(type(self)).items() if callable(value)}
        self._class = type(self)
        self._bound = (self._fd, self._write, self._dumps)
        self.emit({"t": "start", "pid": os.getpid()})

    def emit(self, record: dict[str, Any]) -> None:
        record["seq"] = self._seq
        self._seq += 1
        data = (self._dumps(record, sort_keys=True) + "\n").encode()
        while data:
            written = self._write(self._fd, data)
            data = data[written:]

    def _tampered(self) -> list[str]:
        changed = []
        for (module, dotted), original in self._watched.items():
            try:
                current = _resolve(module, dotted)
            except (ImportError, AttributeError, KeyError):
                current = None
            if current is not original:
                changed.append(f"{module}.{dotted}")
        now = vars(builtins)
        for key, value in self._builtins.items():
            if now.get(key, _MISSING) is not value:
                changed.append(f"builtins.{key}")
        changed.extend(f"builtins.{key}" for key in now.keys() - self._builtins.keys() - {"_"})
        for name, value in self._methods.items():
            if vars(type(self)).get(name) is not value:
                changed.append(f"reporter.{name}")
        # The same object patched instead of its class: a method shadowed on the
        # instance, the class swapped, or the bound writer replaced.
        shadowed = vars(self).keys() & self._methods.keys()
        changed.extend(f"reporter.{name} (instance)" for name in shadowed)
        if type(self) is not self._class:
            changed.append("reporter.__class__")
        if (self._fd, self._write, self._dumps) != self._bound:
            changed.append("reporter._write")
        return sorted(changed)

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.emit({"t": "collect_error", "id": report.nodeid, "msg": _message(report)})

    def pytest_runtest_logreport(self, report: Any) -> None:
        self.emit(
            {
                "t": "test",
                "id": report.nodeid,
                "when": report.when,
                "outcome": report.outcome,
                "msg": _message(report) if report.outcome != "passed" else "",
            }
        )

    def pytest_sessionfinish(self, session: Any, exitstatus: Any) -> None:
        self.emit(
            {
                "t": "finish",
                "exitstatus": int(exitstatus),
                "collected": int(getattr(session, "testscollected", 0)),
                "tampered": self._tampered(),
            }
        )


_MISSING = object()
