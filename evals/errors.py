"""The one place persona-evals defines its exceptions.

Every error a user can fix is an :class:`EvalsError`; the CLI prints its ``str()``
as one line and exits non-zero, without a traceback. Messages name the file and
field at fault and say how to fix it.

    EvalsError                      user-fixable; CLI exit 2
    ├── ConfigError                 evals.toml / [tool.evals] / CLI option problems
    ├── PersonaError                a persona file or its .rules.yaml sidecar
    ├── TaskError                   a task folder, task.yaml, or a suite
    ├── RunLogError                 a run directory, samples.jsonl or manifest.json
    ├── ProviderError               a candidate/judge provider could not be used
    │   ├── MissingCredentialsError an API key environment variable is not set
    │   ├── MissingDependencyError  an optional SDK is not installed (names the pip install)
    │   └── AuthenticationError     the provider rejected the credentials: stop the run
    ├── SandboxError                the sandbox cannot be set up (not: the candidate failed)
    └── GraderError                 a grader is misconfigured (unknown name, bad options)

"Could not grade this sample" is *not* an exception: graders record a grade with
verdict ``error`` and a reason (see :mod:`evals.schema`). Infrastructure failures
of one sample (a provider timeout, a sandbox crash) are likewise recorded on the
sample, never counted as model failures.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AuthenticationError",
    "ConfigError",
    "EvalsError",
    "GraderError",
    "MissingCredentialsError",
    "MissingDependencyError",
    "PersonaError",
    "ProviderError",
    "RunLogError",
    "SandboxError",
    "TaskError",
]


class EvalsError(Exception):
    """Base class for errors a user can fix. ``str()`` is a single line."""

    exit_code: int = 2

    def __init__(self, message: str, *, path: str | Path | None = None, field: str | None = None):
        self.path = str(path) if path is not None else None
        self.field = field
        prefix = ""
        if self.path:
            prefix = f"{self.path}: "
            if field:
                prefix = f"{self.path}: {field}: "
        elif field:
            prefix = f"{field}: "
        super().__init__(" ".join(f"{prefix}{message}".split()))


class ConfigError(EvalsError):
    """A configuration file or command-line option is invalid."""


class PersonaError(EvalsError):
    """A persona file or its sidecar cannot be used."""


class TaskError(EvalsError):
    """A task folder or suite is invalid."""


class RunLogError(EvalsError):
    """A run directory is missing, corrupt or incompatible."""


class ProviderError(EvalsError):
    """A provider cannot be constructed or used."""


class MissingCredentialsError(ProviderError):
    """A provider's API key environment variable is not set."""


class MissingDependencyError(ProviderError):
    """An optional SDK the provider needs is not installed; the message names the install."""


class AuthenticationError(ProviderError):
    """The provider rejected the credentials; the run must stop at once."""


class SandboxError(EvalsError):
    """The sandbox cannot be set up on this machine."""


class GraderError(EvalsError):
    """A grader name or option is invalid."""
