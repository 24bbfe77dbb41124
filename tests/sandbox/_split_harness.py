"""Runs pytest samples the way the sandbox worker does, with or without the split.

Started by ``test_session_split.py`` with the runtime venv's interpreter (the pytest the
sandbox runs): ``python _split_harness.py INSIDE MODE SPEC``. ``INSIDE`` is
``evals/sandbox/_inside``; ``MODE`` is ``split`` (the worker's :class:`Cache` prepares the
session once, every sample forked afterwards runs ``_pe_child._run_pytest`` with it) or
``main`` (the same, with no prepared session: ``pytest.main`` in every sample); ``SPEC``
is a JSON file ``{"base": folder, "samples": [{"hidden": {name: text}, "argv": [...]}]}``
(a hidden-test run), or with ``"files"`` instead of ``"hidden"`` (the candidate's own
tests, in the workdir: conftest loading on, ``--import-mode=append``). Each sample is a
fresh fork of this process (the worker), with fresh work/hidden folders, one after the
other. Prints one JSON line: per sample the reporter's records, the exit code and the
terminal output; plus how often the session was prepared and whether the worker's
process-wide state was left as it was.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import sys
import threading
import warnings
from typing import Any


def _state() -> dict[str, Any]:
    """What of the worker's process-wide state a prepared session must leave alone."""
    return {
        "meta_path": list(sys.meta_path),
        "path": list(sys.path),
        "path_hooks": list(sys.path_hooks),
        "unraisablehook": sys.unraisablehook,
        "excepthook": sys.excepthook,
        "thread_excepthook": threading.excepthook,
        "displayhook": sys.displayhook,
        "breakpointhook": sys.breakpointhook,
        "stdout": sys.stdout,
        "stderr": sys.stderr,
        "stdin": sys.stdin,
        "environ": dict(os.environ),
        "cwd": os.getcwd(),
        "warnings": list(warnings.filters),
        "log_handlers": list(logging.getLogger().handlers),
        "log_level": logging.getLogger().level,
        "signals": {s: signal.getsignal(s) for s in signal.valid_signals() if s < 32},
        "threads": threading.active_count(),
        "sys": dict(vars(sys)),
    }


def _changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    sys_before, sys_after = before.pop("sys"), after.pop("sys")
    out = [
        f"sys.{k}"
        for k in sys_before.keys() | sys_after.keys()
        if k not in _VOLATILE and sys_before.get(k, _MISSING) is not sys_after.get(k, _MISSING)
    ]
    for key, value in before.items():
        now = after[key]
        same = (
            len(now) == len(value) and all(a is b for a, b in zip(now, value, strict=True))
            if isinstance(value, list)
            else now == value
            if isinstance(value, (dict, str, int))
            else now is value
        )
        if not same:
            out.append(key)
    return out


_MISSING = object()
#: Attributes of ``sys`` that change by themselves (``modules`` is compared by identity).
_VOLATILE = {"last_type", "last_value", "last_traceback", "last_exc"}


def _clear(folder: str, keep: str = "") -> None:
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if name == keep:
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


def _read(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def main() -> None:
    inside, mode, spec_path = sys.argv[1:4]
    sys.path.insert(0, inside)
    import _pe_child
    import _pe_reporter  # noqa: F401  (the worker imports it before any sample)
    import _pe_session

    with open(spec_path) as fh:
        spec = json.load(fh)
    base = spec["base"]
    work, hidden, home, tmp = (os.path.join(base, p) for p in ("work", "hidden", "home", "tmp"))
    for folder in (work, hidden, home, tmp):
        os.makedirs(folder, exist_ok=True)
    ini = os.path.join(hidden, ".evals-pytest.ini")
    with open(ini, "w") as fh:
        fh.write("[pytest]\n")
    # The worker holds its protocol pipes low; the sample owns fds 0-4 (``_sample``).
    while os.open(os.devnull, os.O_RDONLY) < 4:
        pass
    import pytest

    pytest_main = pytest.main
    cache = _pe_session.Cache()
    prepares = 0
    real_prepare = _pe_session.prepare

    def counting_prepare(*args: Any) -> Any:
        nonlocal prepares
        prepares += 1
        return real_prepare(*args)

    _pe_session.prepare = counting_prepare
    results = []
    before = _state()
    for sample in spec["samples"]:
        request = {
            "kind": "pytest",
            "hidden": sample.get("hidden", {}),
            "files": sample.get("files", {}),
            "plugins": [],
            "argv": sample["argv"],
            "env": {"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        }
        env = _pe_child.sample_env(request, home, tmp, work)
        prepared = None
        if mode == "split":
            at = hidden if request["hidden"] else work
            prepared = cache.get(_pe_child.pytest_args(request, at, ini), env, work)
            if prepared is None:
                raise SystemExit("prepare() returned None: the split would not be used")
        rep_r, rep_w = os.pipe()
        out_r, out_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the sample, as _pe_child._sample leaves it for _run_pytest
            try:
                os.close(rep_r)
                os.close(out_r)
                _clear(work)
                _clear(hidden, keep=".evals-pytest.ini")
                _pe_child._write_files(hidden, request["hidden"], 0o755)
                _pe_child._write_files(work, request["files"])
                os.dup2(rep_w, 3)
                os.dup2(out_w, 1)
                os.dup2(out_w, 2)
                os.chdir(work)
                if mode == "split":  # a silent fall-back to pytest.main must show
                    pytest.main = lambda *a, **k: os._exit(99)
                else:
                    pytest.main = pytest_main
                _pe_child._run_pytest(request, env, work, ini, prepared)
            except BaseException:
                import traceback

                os.write(2, traceback.format_exc().encode())
            finally:
                os._exit(98)
        os.close(rep_w)
        os.close(out_w)
        out = _read(out_r).decode("utf-8", "replace")
        lines = _read(rep_r).decode("utf-8", "replace").splitlines()
        _, status = os.waitpid(pid, 0)
        results.append(
            {
                "code": os.waitstatus_to_exitcode(status),
                "records": [json.loads(line) for line in lines],
                "stdout": out,
            }
        )
    print(
        json.dumps(
            {"samples": results, "prepares": prepares, "changed": _changed(before, _state())}
        )
    )


if __name__ == "__main__":
    main()
