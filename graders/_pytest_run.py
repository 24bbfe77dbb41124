"""Shared by the sandboxed pytest graders: limits, the run, and verdicts from its report."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evals.sandbox import Limits, PytestReport, Sandbox
from evals.sandbox._preload import imports_of, preload_names
from evals.schema import Evidence
from evals.tasks import Task

__all__ = [
    "Problem",
    "limits_for",
    "preload_for",
    "problem_of",
    "run_pytest",
    "sandbox_modules",
    "targets_of",
]


@dataclass(frozen=True)
class Problem:
    """Why a run cannot count as a pass, independent of which tests failed."""

    kind: str
    reason: str
    evidence: list[Evidence] = field(default_factory=list)


def limits_for(timeout: float, options: Mapping[str, Any]) -> Limits:
    """Sandbox limits for one run: the task's timeout, overridable by grader options."""
    wall = float(options.get("timeout", timeout))
    return Limits(
        wall_seconds=wall,
        cpu_seconds=int(options.get("cpu_seconds", math.ceil(wall))),
        memory_mb=int(options.get("memory_mb", Limits.memory_mb)),
        max_procs=int(options.get("max_procs", Limits.max_procs)),
        file_size_mb=int(options.get("file_size_mb", Limits.file_size_mb)),
        open_files=int(options.get("open_files", Limits.open_files)),
        output_bytes=int(options.get("output_bytes", Limits.output_bytes)),
        max_wall_factor=float(options.get("max_wall_factor", Limits.max_wall_factor)),
    )


def targets_of(ids: Sequence[str], files: Sequence[str]) -> list[str]:
    """The test files to hand pytest: those the ids name, else every test file given."""
    from_ids = list(dict.fromkeys(i.split("::", 1)[0] for i in ids))
    return from_ids or sorted(files)


def run_pytest(
    sandbox: Sandbox,
    files: Mapping[str, str],
    targets: Sequence[str],
    limits: Limits,
    *,
    plugins: Sequence[str] = (),
    hidden: Mapping[str, str] | None = None,
    preload: Sequence[str] = (),
) -> PytestReport:
    """Run pytest through the sandbox.

    Raises:
        SandboxError: The sandbox failed itself (infrastructure).
    """
    return sandbox.run_pytest(
        files, targets, limits, plugins=plugins, hidden=hidden, preload=preload
    )


def preload_for(task: Task) -> list[str]:
    """What a warm sandbox may import before a run of ``task``: harness-chosen names only.

    The task's declared runtime deps and the top-level imports of its hidden tests (what
    the candidate's own tests of the task most likely import too), never names read
    from candidate files.
    """
    hidden = [text for path, text in task.hidden_tests.items() if path.endswith(".py")]
    return list(dict.fromkeys([*task.spec.runtime_deps, *imports_of(hidden)]))


def sandbox_modules(tasks: Iterable[Task]) -> list[str]:
    """Every module a run of ``tasks`` would ask the sandbox to preload (harness names).

    The tasks' pytest plugins, runtime deps and hidden-test imports, less the names a
    hidden file provides itself (as :func:`evals.sandbox._preload.preload_names` drops
    them per request): what a sandbox can import once, before any sample of the run.
    """
    names: list[str] = []
    for task in tasks:
        named = [*task.spec.pytest_plugins, *preload_for(task)]
        names += preload_names(named, task.hidden_tests, task.hidden_tests)
    return list(dict.fromkeys(names))


def _tail(text: str, limit: int = 300) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return (lines[-1] if lines else "")[:limit]


#: What a kill for a limit of the whole sample tree means, in a grade's reason.
_KILLED = {
    "memory": "over the memory limit of the sample tree",
    "procs": "over the process limit of the sample tree",
}


def problem_of(report: PytestReport) -> Problem | None:
    """A disqualifying problem with the run (kill, integrity), if any.

    What the worker observed from outside (time limit, kills) comes first; then anything
    wrong with the report channel, which the candidate's process writes, is ``integrity``:
    a malformed, missing or out-of-order record can never turn into an ``error``.
    """
    result = report.result
    if result.killed == "timeout":
        return Problem("timeout", f"killed after the time limit ({result.duration_s:.1f}s)")
    if result.killed is not None:
        detail = _KILLED.get(result.killed) or (
            f"signal {result.signal}" if result.signal else result.killed
        )
        return Problem(
            "killed",
            f"the run was killed ({result.killed}: {detail})",
            [Evidence(message=_tail(result.stderr) or "no stderr")],
        )
    if report.violations:
        return Problem(
            "integrity",
            f"the test report is not a well-formed record of a whole run: {report.violations[0]}",
            [Evidence(message=v) for v in report.violations[:5]]
            + [Evidence(message=f"exit code {result.exit_code}; {_tail(result.stderr)}"[:300])],
        )
    if report.tampered:
        evidence = [Evidence(message=f"replaced during the run: {n}") for n in report.tampered[:20]]
        return Problem("integrity", "the candidate patched pytest internals or builtins", evidence)
    if report.modified:
        evidence = [Evidence(message="changed during the run", file=f) for f in report.modified]
        return Problem("integrity", "the hidden tests were modified during the run", evidence)
    return None
