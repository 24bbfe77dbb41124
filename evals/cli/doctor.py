"""``evals doctor``: is this machine ready to grade? Runtime venv, sandbox, and why."""

from __future__ import annotations

import platform
import sys

import typer

from evals.errors import EvalsError


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)


def _line(label: str, text: str) -> None:
    typer.echo(f"{label:<10} {text}")


def doctor(
    provision: bool = typer.Option(
        False, "--provision", help="Create or update the runtime venv (.runtime-venv) first."
    ),
    sandbox: str = typer.Option("auto", "--sandbox", help="auto, bwrap or process."),
    probe: bool = typer.Option(
        True, "--probe/--no-probe", help="Start the sandbox and run one command in it."
    ),
) -> None:
    """Say which sandbox is active and why, whether the runtime venv is ready, how to fix it."""
    from evals.sandbox import (
        INSTALL_HINT,
        BwrapSandbox,
        get_sandbox,
        sample_limits_status,
        sandbox_status,
    )
    from evals.sandbox.runtime import ensure_runtime, runtime_status

    problems = 0
    _line("python", f"{platform.python_version()} ({sys.executable})")
    if provision:
        runtime = ensure_runtime()
        _line("runtime", f"provisioned {runtime.venv}")
    ready, why = runtime_status()
    _line("runtime", ("ready: " if ready else "NOT READY: ") + why)
    problems += not ready
    name, isolated, reason = sandbox_status(sandbox)
    state = "isolated" if isolated else "NOT ISOLATED"
    _line("sandbox", f"{name} ({state}): {reason}")
    if not isolated:
        _line("", f"to isolate runs: {INSTALL_HINT}")
    kind, why = sample_limits_status(sandbox)
    _line("limits", f"{kind or 'unknown'}: {why}")
    if probe and ready and (isolated or name == "process"):
        try:
            with get_sandbox(sandbox, workers=1) as sb:
                result = sb.run(["python", "-c", "print('ok')"], {})
                mode = sb.mode if isinstance(sb, BwrapSandbox) else ""
            if result.ok and result.stdout.strip() == "ok":
                detail = f", warm workers: {mode}" if mode else ""
                _line(
                    "probe",
                    f"ran a command in the sandbox ({result.duration_s * 1000:.0f} ms{detail})",
                )
            else:
                problems += 1
                _line("probe", f"FAILED: exit {result.exit_code}, {result.stderr.strip()[:200]}")
        except EvalsError as exc:
            problems += 1
            _line("probe", f"FAILED: {exc}")
    elif not isolated and name == "bwrap":
        problems += 1
    if problems:
        raise typer.Exit(1)
