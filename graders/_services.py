"""What a run hands its graders besides the sample: today, the judge.

The runner builds one :class:`Services` per run (``GradeContext.services``). Graders read
typed fields; there are no magic keys. A judge that could not be built is a
:class:`JudgeUnavailable` with a typed ``state``, so "no credentials" and "SDK not
installed" are told apart without reading the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from evals.errors import MissingCredentialsError, MissingDependencyError, ProviderError

if TYPE_CHECKING:
    from evals.providers import Provider

__all__ = ["JudgeService", "JudgeUnavailable", "Services", "UnavailableState"]

#: ``no_credentials``: the API key is not set; ``not_installed``: the SDK is missing;
#: ``failed``: any other reason the provider could not be built.
UnavailableState = Literal["no_credentials", "not_installed", "failed"]

_LABELS: dict[UnavailableState, str] = {
    "no_credentials": "no credentials",
    "not_installed": "judge not installed",
    "failed": "judge unavailable",
}


@dataclass(frozen=True)
class JudgeUnavailable:
    """Why the judge's provider could not be built (its grades become ``skipped``)."""

    state: UnavailableState
    message: str

    @classmethod
    def from_error(cls, exc: ProviderError) -> JudgeUnavailable:
        """Classify the provider's construction error by its type."""
        if isinstance(exc, MissingCredentialsError):
            return cls("no_credentials", str(exc))
        if isinstance(exc, MissingDependencyError):
            return cls("not_installed", str(exc))
        return cls("failed", str(exc))

    @property
    def reason(self) -> str:
        """The skipped grade's reason, e.g. ``skipped: no credentials (set ...)``."""
        return f"skipped: {_LABELS[self.state]} ({self.message})"


@dataclass(frozen=True)
class JudgeService:
    """The run's judge: which model, its provider (or why there is none), and options."""

    #: The ``--judge`` name, ``kind/model``.
    model: str
    provider: Provider | None = None
    unavailable: JudgeUnavailable | None = None
    #: Votes per rule (``--judge-samples``); the grader option ``samples`` overrides it.
    samples: int = 1
    #: Rule ids other graders measure that the judge also grades, as a second opinion.
    second_opinion: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.provider is None) == (self.unavailable is None):
            raise ValueError("a JudgeService has either a provider or an unavailable reason")


@dataclass(frozen=True)
class Services:
    """Per-run services for graders. ``judge`` is None when no judge is configured."""

    judge: JudgeService | None = None
