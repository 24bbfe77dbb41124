"""The one grader interface, and its registry.

A grader takes a :class:`GradeContext` (the extracted files, the task, a sandbox
handle when it needs one, and the persona rule ids it grades on this sample) and
returns :class:`~evals.schema.Grade` records. What the runner needs to know to call it
is declared on the grader, never inferred from its name:

* ``scope``: which tasks it runs on (every task, or tasks declaring one of its rules);
* :meth:`Grader.rule_scopes`: which of its rules it grades on a task (``StaticGrader``:
  all of them, under one verdict; the judge: each rule by its rubric's scope);
* ``needs_sandbox``: whether it gets ``ctx.sandbox``;
* ``fails_without_files``: whether an answer with no files fails its rules (it is then
  not called: the runner records one ``no_files`` grade naming those rules).

Every grader is called the same way, ``await grader.grade(ctx)``, with ``ctx.rule_ids``
narrowed by :func:`graded_rules`. Built-ins and plugins register through
the same door, :data:`GRADERS` (an :class:`~evals.registry.Registry`): other packages
publish a grader class (or a factory taking no arguments) under the
``persona_evals.graders`` entry-point group.

"Could not grade" is never a silent pass: return :func:`error_grade`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, TypeVar, runtime_checkable

from evals.errors import GraderError
from evals.registry import GRADERS_GROUP, Registry
from evals.schema import Evidence, Grade
from graders._services import Services

if TYPE_CHECKING:
    from evals.sandbox import Sandbox
    from evals.tasks import Task

__all__ = [
    "BUILTIN_GRADERS",
    "ENTRY_POINT_GRADERS",
    "GRADERS",
    "GraderFactory",
    "GradeContext",
    "Grader",
    "Scope",
    "StaticGrader",
    "error_grade",
    "get_grader",
    "graded_rules",
    "grader_names",
    "register_grader",
    "skipped_grade",
]

ENTRY_POINT_GRADERS = GRADERS_GROUP
GraderT = TypeVar("GraderT", bound="Grader")
#: ``all``: applies on every task; ``declared``: only on tasks whose rules (``task.yaml``
#: plus the rules the task tempts for the persona) include it.
Scope = Literal["all", "declared"]


@dataclass(frozen=True)
class GradeContext:
    """Everything a grader may look at for one sample."""

    #: Extracted candidate files: relative posix path -> text.
    files: Mapping[str, str]
    #: Persona rule ids this grader grades here (the runner narrows them with
    #: :func:`graded_rules`; a grader called directly grades what it is given).
    rule_ids: tuple[str, ...]
    task: Task | None = None
    sandbox: Sandbox | None = None
    #: Grader options (e.g. ``{"fail_on": ["injection"]}``), from config.
    options: Mapping[str, Any] = field(default_factory=dict)
    #: Raw model output and rendered prompt (judges read these).
    output: str = ""
    prompt: str = ""
    #: Per-run services (the judge), typed.
    services: Services = field(default_factory=Services)
    #: Agent samples: the :class:`evals.log.Trajectory`; None for single-turn.
    trajectory: Any = None


@runtime_checkable
class Grader(Protocol):
    """Grades one sample for the rules it measures."""

    name: ClassVar[str]
    #: Default rule ids, used when no persona sidecar maps this grader.
    default_rules: ClassVar[tuple[str, ...]]
    #: ``all``: runs on every task; ``declared``: only on tasks declaring one of its rules.
    scope: ClassVar[Scope]
    #: True: ``ctx.sandbox`` is set (it runs candidate code); else it is None.
    needs_sandbox: ClassVar[bool]
    #: True: an answer with no files fails this grader's rules (there is nothing to run).
    fails_without_files: ClassVar[bool]

    def rule_scopes(self, ctx: GradeContext) -> Mapping[str, Scope]:
        """The rules it would grade on this sample, each with where it applies.

        ``ctx.rule_ids`` holds the persona's rules for this grader; a grader may add rules
        (the judge's second opinions). :func:`graded_rules` keeps the ``all`` ones and the
        ``declared`` ones the task declares.
        """
        ...

    async def grade(self, ctx: GradeContext) -> list[Grade]: ...


def graded_rules(grader: Grader, ctx: GradeContext) -> tuple[str, ...]:
    """The rules ``grader`` grades on this sample, in its order (empty: do not call it).

    From :meth:`Grader.rule_scopes`: every ``all`` rule, and the ``declared`` rules that
    ``ctx.task`` declares (all of them when there is no task).
    """
    declared = set(ctx.task.spec.rules) if ctx.task is not None else None
    return tuple(
        rid
        for rid, scope in grader.rule_scopes(ctx).items()
        if scope == "all" or declared is None or rid in declared
    )


class StaticGrader:
    """Base for synchronous graders: implement :meth:`check` (it runs off the event loop).

    Its verdict covers all its rules at once, so wherever it runs it grades every rule
    the persona maps to it (:meth:`rule_scopes` says ``all`` for each).
    """

    name: ClassVar[str] = ""
    default_rules: ClassVar[tuple[str, ...]] = ()
    scope: ClassVar[Scope] = "declared"
    needs_sandbox: ClassVar[bool] = False
    fails_without_files: ClassVar[bool] = False

    def rule_scopes(self, ctx: GradeContext) -> Mapping[str, Scope]:
        return dict.fromkeys(ctx.rule_ids or self.default_rules, "all")

    def check(self, ctx: GradeContext) -> list[Grade]:
        raise NotImplementedError

    async def grade(self, ctx: GradeContext) -> list[Grade]:
        return await asyncio.to_thread(self.check, ctx)

    def make_grade(
        self,
        ctx: GradeContext,
        verdict: Literal["pass", "fail"],
        *,
        score: float | None = None,
        reason: str = "",
        evidence: list[Evidence] | None = None,
        kind: str | None = None,
        **metadata: Any,
    ) -> Grade:
        return Grade(
            grader=self.name,
            rule_ids=list(ctx.rule_ids or self.default_rules),
            verdict=verdict,
            score=score if score is not None else (1.0 if verdict == "pass" else 0.0),
            reason=reason,
            evidence=evidence or [],
            kind=kind,
            metadata=metadata,
        )


def error_grade(
    grader: str, rule_ids: tuple[str, ...] | list[str], reason: str, *, kind: str = "error"
) -> Grade:
    """The grader could not decide: never a pass, never a fail."""
    return Grade(
        grader=grader, rule_ids=list(rule_ids), verdict="error", score=0.0, reason=reason, kind=kind
    )


def skipped_grade(grader: str, rule_ids: tuple[str, ...] | list[str], reason: str) -> Grade:
    return Grade(
        grader=grader,
        rule_ids=list(rule_ids),
        verdict="skipped",
        score=0.0,
        reason=reason,
        kind="skipped",
    )


#: Built-in graders by name -> "module:attr" (imported lazily).
BUILTIN_GRADERS: dict[str, str] = {
    "tests_pass": "graders.tests_pass:TestsPassGrader",
    "sql_construction": "graders.sql_construction:SqlConstructionGrader",
    "typed_errors": "graders.typed_errors:TypedErrorsGrader",
    "lint": "graders.lint:LintGrader",
    "secrets_in_code": "graders.secrets_in_code:SecretsInCodeGrader",
    "async_blocking": "graders.async_blocking:AsyncBlockingGrader",
    "n_plus_one": "graders.n_plus_one:NPlusOneGrader",
    "input_validation": "graders.input_validation:InputValidationGrader",
    "structured_logging": "graders.structured_logging:StructuredLoggingGrader",
    "tests_included": "graders.tests_included:TestsIncludedGrader",
    "judge": "graders.judge:JudgeGrader",
    # Process rules, read from an agent's trajectory (no grade on single-turn samples).
    "tests_first": "graders.tests_first:TestsFirstGrader",
    "tests_after_edit": "graders.tests_after_edit:TestsAfterEditGrader",
    "lint_run": "graders.lint_run:LintRunGrader",
    "measure_first": "graders.measure_first:MeasureFirstGrader",
    "delegation": "graders.delegation:DelegationGrader",
}

#: ``factory() -> Grader`` (usually the grader class itself).
GraderFactory = Callable[[], Grader]

#: Graders by name; built-ins and the ``persona_evals.graders`` entry points alike.
GRADERS: Registry[GraderFactory] = Registry("grader", GRADERS_GROUP, GraderError, "--grader")
for _name, _target in BUILTIN_GRADERS.items():
    GRADERS.register(_name, _target)


def register_grader(cls: type[GraderT]) -> type[GraderT]:
    """Class decorator: register a grader class under its ``name``."""
    if not cls.name:
        raise GraderError(f"{cls!r} has no name")
    GRADERS.register(cls.name, cls, origin=cls.__module__)
    return cls


def grader_names() -> list[str]:
    """Every grader name: built-in and from the ``persona_evals.graders`` group."""
    return GRADERS.names()


def get_grader(name: str) -> Grader:
    """Instantiate the grader called ``name``.

    Raises:
        GraderError: unknown name, or the object registered under it is not a Grader.
    """
    grader = GRADERS.get(name)()
    if not isinstance(grader, Grader):
        raise GraderError(
            f"grader {name!r} ({GRADERS.origin(name)}) built a {type(grader).__name__} "
            "that lacks Grader members; subclass graders.StaticGrader or implement "
            "graders.Grader",
            field="--grader",
        )
    return grader
