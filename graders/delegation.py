"""``delegation``: in delegation mode, the parent handed the task to the persona, and only it.

Rule: the persona's frontmatter ``description`` (Claude Code reads it to decide when to
delegate to the subagent). Graded only on delegation-mode samples
(``claude-code-delegate/<model>``: a plain session with the persona installed); any
other sample gets no row.

Definition, on the parent's (main thread's) tool calls only:

* a *delegation* is an ``Agent`` (older CLIs: ``Task``) call that did not fail; its
  target is ``subagent_type`` (``general-purpose`` when absent, the CLI's default);
* on a task that matches the description (every task, unless the grader option
  ``off_description_tasks`` lists it): **pass** when the parent delegated to the
  persona and to no other agent; **fail** when it never delegated to the persona (it
  did the work itself, or only through other agents), or delegated to the persona and
  also to another agent;
* on an off-description task: **pass** when the parent never delegated to the persona,
  **fail** when it did.

Whether the parent also edited files itself is not part of this rule.
"""

from __future__ import annotations

from typing import Any, ClassVar

from evals.schema import Evidence, Grade
from graders._base import GradeContext
from graders._process import ProcessGrader
from graders._trajectory import Step

__all__ = ["DelegationGrader", "delegations"]

_DELEGATE_TOOLS = {"agent", "task"}


def delegations(trajectory: Any) -> list[str]:
    """Targets of the parent's successful delegations, in order."""
    out = []
    for tool in getattr(trajectory, "tools", None) or []:
        if tool.agent != "main" or tool.name.lower() not in _DELEGATE_TOOLS or tool.is_error:
            continue
        target = tool.input.get("subagent_type") if isinstance(tool.input, dict) else None
        out.append(str(target or "general-purpose"))
    return out


class DelegationGrader(ProcessGrader):
    """See the module docstring."""

    name: ClassVar[str] = "delegation"
    default_rules: ClassVar[tuple[str, ...]] = ("description-delegation",)

    def check(self, ctx: GradeContext) -> list[Grade]:
        if ctx.trajectory is None or getattr(ctx.trajectory, "mode", "") != "delegate":
            return []
        return super().check(ctx)

    def judge(self, ctx: GradeContext, steps: list[Step]) -> Grade:
        persona = str(getattr(ctx.trajectory, "persona", "") or "")
        targets = delegations(ctx.trajectory)
        others = sorted({t for t in targets if t != persona})
        to_persona = persona != "" and persona in targets
        off = ctx.task is not None and ctx.task.id in set(
            ctx.options.get("off_description_tasks") or ()
        )
        shown = ", ".join(targets) or "none"
        evidence = [Evidence(message=f"the parent delegated to: {shown}")]
        if off:
            if to_persona:
                return self.make_grade(
                    ctx,
                    "fail",
                    reason=f"delegated to {persona} on a task outside its description",
                    evidence=evidence,
                )
            return self.make_grade(
                ctx, "pass", reason=f"kept an off-description task from {persona}"
            )
        if not to_persona:
            why = f"only to {', '.join(others)}" if others else "did the work itself"
            return self.make_grade(
                ctx,
                "fail",
                reason=f"never delegated to {persona or 'the persona'} ({why})",
                evidence=evidence,
            )
        if others:
            return self.make_grade(
                ctx,
                "fail",
                reason=f"delegated to {persona} and also to {', '.join(others)}",
                evidence=evidence,
            )
        return self.make_grade(
            ctx, "pass", reason=f"delegated the task to {persona} only", evidence=evidence
        )
