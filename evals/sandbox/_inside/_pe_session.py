"""A pytest session started in the warm worker; the forked sample only collects and runs.

``pytest.main`` spends most of a small sample's CPU before it looks at a test: parsing
the command line and ini file, registering ~30 builtin plugins, ``pytest_configure``,
and at session start the fixture manager parsing every plugin module for fixtures
(measured ~55 of ~125 ms CPU per bench sample). None of it depends on the sample: the
arguments, environment, root and ini file are the harness's and the same in every
sample of a kind. So the worker runs that first half once (:func:`prepare`, the first
half of pytest's ``wrap_session``) and every sample forked afterwards inherits the
configured, started session copy-on-write and runs the second half (:func:`finish`):
collection, the test loop, session finish, unconfigure, exactly as ``wrap_session``
does, with the per-sample reporter registered first.

What this gives a candidate: nothing it did not have. The objects are pytest's own
``Config``/``Session``/plugins, built from harness arguments before any sample existed;
they hold no secret (the reporter, the only per-sample object, is made in the sample),
and a sample reaches the same kind of objects under ``pytest.main`` anyway. What a
sample changes in them dies with it (its own address space); the worker never runs a
test in them. The verdict never rests on pytest's honesty (canaries, strict report
grammar; ``_pe_reporter``).

Only for hidden-test runs (``--noconftest``) and runs of the candidate's own tests that
ship no ``conftest.py``, with no extra plugin: with conftest loading on, pytest caches
the conftest files of the initial folders at configure time, which the worker cannot
see (the candidate's files exist only in the sample), so a request with a conftest file
runs ``pytest.main``; a plugin's ``pytest_cmdline_main`` would be skipped and its
threads would not survive the fork. The two kinds differ in their arguments (import
mode, root), and a worker serving both would re-prepare at every change of kind: so an
own-tests run only takes the session slot while it holds no hidden-test session (a
worker's first runs, e.g. the first sample's mutation runs), never evicts one.

One prepared session per worker (:class:`Cache`): pytest's cleanups restore global state
in last-in-first-out order (``Node.fspath``, ``pdb.set_trace``), so two configured
sessions alive at once could not both be undone correctly. The process-wide hooks
configuring installs (the assertion-rewriting import hook, ``sys.unraisablehook``,
``threading.excepthook``) are taken back from the worker after :func:`prepare` and put
in place again by :func:`finish` in the sample: the worker's own imports are not
rewritten, and nothing the worker does between samples lands in a sample's queues.

The split follows pytest's ``wrap_session`` and ``_main`` of :data:`PYTEST_VERSION`
(the runtime venv's pin); ``tests/sandbox/test_session_split.py`` fails when either
changes or when the split's records differ from ``pytest.main``'s.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

#: The pytest release whose ``wrap_session`` :func:`finish` mirrors.
PYTEST_VERSION = "9.2.0"


class Prepared:
    """A configured pytest ``Config`` and a started ``Session``, ready to collect."""

    def __init__(
        self, key: tuple[Any, ...], config: Any, session: Any, fds: list[int], hooks: _Hooks
    ):
        self.key, self.config, self.session = key, config, session
        #: Descriptors the session holds open (the logging plugin's ``/dev/null`` log
        #: file): the sample must keep them where its closing of inherited fds would not.
        self.fds = fds
        #: The process-wide hooks configuring installed, out of the worker until
        #: :func:`finish` puts them back in the sample.
        self.hooks = hooks


class _Hooks:
    """The process-wide state pytest's configure step replaces (see the module docstring):
    import finders, exception hooks, and the warning filters (``Config._do_configure``
    enters a ``warnings.catch_warnings`` that lasts until unconfigure)."""

    def __init__(self, meta_path: list[Any], unraisable: Any, thread: Any, filters: Any):
        self.meta_path, self.unraisable, self.thread = meta_path, unraisable, thread
        self.filters = filters

    @classmethod
    def current(cls) -> _Hooks:
        import threading
        import warnings

        return cls(list(sys.meta_path), sys.unraisablehook, threading.excepthook, warnings.filters)

    def install(self, below: list[Any] | None = None) -> None:
        """Make these the process's; ``below``: finders to keep after ours."""
        import threading
        import warnings

        sys.meta_path[:] = [*self.meta_path, *(below or [])]
        sys.unraisablehook = self.unraisable
        threading.excepthook = self.thread
        warnings.filters = self.filters
        warnings._filters_mutated()  # type: ignore[attr-defined]


def session_key(args: list[str], env: dict[str, str]) -> tuple[Any, ...]:
    """What a prepared session was built from: it serves only a sample with the same."""
    return (tuple(args), tuple(sorted(env.items())))


def _fds() -> set[int]:
    """Open descriptors (not the one the listing itself used, closed by now)."""
    out = set()
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            os.fstat(int(name))
            out.add(int(name))
    return out


def _harmless(fd: int) -> bool:
    try:
        return fd > 4 and os.readlink(f"/proc/self/fd/{fd}") == os.devnull
    except OSError:
        return False


def prepare(args: list[str], env: dict[str, str], workdir: str) -> Prepared | None:
    """The first half of ``pytest.main(args)``, run in the worker; None if it cannot be.

    ``env`` is the sample's whole environment and ``workdir`` its working folder (it
    must exist here, like the root and ini file ``args`` name), so that what pytest
    reads while configuring is what the sample would have read.
    """
    import pytest

    if pytest.__version__ != PYTEST_VERSION:
        return None
    import threading

    from _pytest.config import ExitCode, _prepareconfig
    from _pytest.main import Session

    saved_env, saved_cwd, before = dict(os.environ), os.getcwd(), _fds()
    hooks, threads = _Hooks.current(), threading.active_count()
    os.environ.clear()
    os.environ.update(env)
    os.environ["PYTEST_VERSION"] = pytest.__version__
    config = None
    try:
        os.chdir(workdir)
        config = _prepareconfig(list(args), None)
        session = Session.from_config(config)
        session.exitstatus = ExitCode.OK
        config._do_configure()
        config.hook.pytest_sessionstart(session=session)
    except BaseException:  # noqa: BLE001  (the sample runs pytest.main and reports it)
        if config is not None:
            with contextlib.suppress(BaseException):
                config._ensure_unconfigure()
        return None
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        sys.stdout.flush()
        sys.stderr.flush()
        configured = _Hooks.current()
        hooks.install()
    # Finders configuring added (the assertion rewriter), in their order, first.
    configured.meta_path = [f for f in configured.meta_path if f not in hooks.meta_path]
    fds = sorted(_fds() - before)
    prepared = Prepared(session_key(args, env), config, session, fds, configured)
    if not all(_harmless(fd) for fd in fds) or threading.active_count() != threads:
        _unconfigure(prepared)  # a thread would not survive the fork
        return None
    return prepared


def _unconfigure(prepared: Prepared) -> None:
    """Undo a prepared session in the worker (its cleanups close what it opened)."""
    hooks = _Hooks.current()
    with contextlib.suppress(BaseException):
        prepared.config._ensure_unconfigure()
    hooks.install()


class Cache:
    """The worker's prepared session: one at a time (see the module docstring)."""

    def __init__(self) -> None:
        self._key: tuple[Any, ...] | None = None
        self._prepared: Prepared | None = None

    def get(
        self, args: list[str], env: dict[str, str], workdir: str, *, evict: bool = True
    ) -> Prepared | None:
        """The prepared session for ``args``/``env``; another one is undone first, unless
        ``evict`` is false: then None (the sample runs ``pytest.main``) and it stays."""
        key = session_key(args, env)
        if key == self._key:
            return self._prepared
        if self._prepared is not None and not evict:
            return None
        if self._prepared is not None:
            _unconfigure(self._prepared)
        # Not gc.freeze()d (a few ms per sample): frozen objects drop out of
        # gc.get_objects(), and the red-team suite's forgers reach Config that way; a
        # sample must face no easier nor harder pytest than under pytest.main.
        self._key, self._prepared = key, prepare(args, env, workdir)
        return self._prepared


def finish(prepared: Prepared, reporter: Any, targets: list[str]) -> int:
    """The second half of ``pytest.main``, in the sample: collect ``targets``, run, finish.

    Mirrors ``_pytest.main.wrap_session`` from ``initstate = 2`` on, and the exit-code
    handling of ``_pytest.config._main`` around it.
    """
    import dataclasses

    import _pytest._code
    from _pytest import timing
    from _pytest.config import ExitCode, UsageError, print_usage_error
    from _pytest.main import _main
    from _pytest.outcomes import Failed, exit

    config, session = prepared.config, prepared.session
    prepared.hooks.install(below=list(sys.meta_path))
    os.environ["PYTEST_VERSION"] = PYTEST_VERSION
    # What pytest.main(args + targets) would have decided (``Config._decide_args``).
    config.args, config.args_source = list(targets), type(config).ArgsSource.ARGS
    config.option.file_or_dir = list(targets)
    config.known_args_namespace.file_or_dir = list(targets)
    params = config.invocation_params
    config.invocation_params = dataclasses.replace(params, args=(*params.args, *targets))
    config.pluginmanager.register(reporter)
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    if terminal is not None:  # its "passed in N s" counts from here, not from prepare
        terminal._session_start = timing.Instant()
    try:
        try:
            try:
                session.exitstatus = _main(config, session) or 0
            except UsageError:
                session.exitstatus = ExitCode.USAGE_ERROR
                raise
            except Failed:
                session.exitstatus = ExitCode.TESTS_FAILED
            except (KeyboardInterrupt, exit.Exception):
                excinfo = _pytest._code.ExceptionInfo.from_current()
                exitstatus: int | ExitCode = ExitCode.INTERRUPTED
                value = excinfo.value
                if isinstance(value, exit.Exception) and value.returncode is not None:
                    exitstatus = value.returncode
                config.hook.pytest_keyboard_interrupt(excinfo=excinfo)
                session.exitstatus = exitstatus
            except BaseException:
                session.exitstatus = ExitCode.INTERNAL_ERROR
                excinfo = _pytest._code.ExceptionInfo.from_current()
                try:
                    config.notify_exception(excinfo, config.option)
                except exit.Exception as exc:
                    if exc.returncode is not None:
                        session.exitstatus = exc.returncode
                    sys.stderr.write(f"{type(exc).__name__}: {exc}\n")
                else:
                    if isinstance(excinfo.value, SystemExit):
                        sys.stderr.write("mainloop: caught unexpected SystemExit!\n")
        finally:
            excinfo = None  # type: ignore[assignment]
            os.chdir(session.startpath)
            try:
                config.hook.pytest_sessionfinish(session=session, exitstatus=session.exitstatus)
            except exit.Exception as exc:
                if exc.returncode is not None:
                    session.exitstatus = exc.returncode
                sys.stderr.write(f"{type(exc).__name__}: {exc}\n")
            config._ensure_unconfigure()
    except UsageError as exc:
        print_usage_error(exc, file=sys.stderr)
        return int(ExitCode.USAGE_ERROR)
    return int(session.exitstatus)
