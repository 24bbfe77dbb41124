"""Where untrusted candidate code runs: ``bwrap`` namespaces, or the ``process`` fallback.

from evals.sandbox import get_sandbox
with get_sandbox("auto") as sandbox:
    result = sandbox.run(["python", "-c", "print(1)"], files={})
    report = sandbox.run_pytest(files, ["test_hidden.py"])
"""

from evals.sandbox._base import BaseSandbox, ExecResult, Limits, Sandbox
from evals.sandbox._pool import SandboxInfraError
from evals.sandbox._pooled import PooledSandbox
from evals.sandbox._report import PytestReport, TestOutcome
from evals.sandbox._select import (
    SANDBOX_NAMES,
    SANDBOXES,
    SandboxFactory,
    get_sandbox,
    sample_limits_status,
    sandbox_status,
)
from evals.sandbox.bwrap import INSTALL_HINT, BwrapSandbox
from evals.sandbox.process import ProcessSandbox

__all__ = [
    "INSTALL_HINT",
    "SANDBOXES",
    "SANDBOX_NAMES",
    "BaseSandbox",
    "BwrapSandbox",
    "ExecResult",
    "Limits",
    "PooledSandbox",
    "ProcessSandbox",
    "PytestReport",
    "Sandbox",
    "SandboxFactory",
    "SandboxInfraError",
    "TestOutcome",
    "get_sandbox",
    "sample_limits_status",
    "sandbox_status",
]
