"""``structured_logging``: rule "Always: structured logging with correlation IDs".

Fails on:

- ``print()`` in service code (outside an ``if __name__ == "__main__":`` block);
- log messages built eagerly with an f-string, ``%``, ``+`` or ``.format()`` instead of
  a constant message with structured fields (``extra={...}``, structlog key-values).
  stdlib lazy arguments (``logger.info("user %s", uid)``) pass: the message template
  stays constant, so aggregators can group on it;
- no correlation/request id propagated into log records (see
  :mod:`graders._logging_facts` for what counts: ``extra=``, a ``logging.Filter``
  setting ``record.request_id``, a ``ContextVar`` read by a filter/formatter/processor,
  structlog ``bind_contextvars``/``merge_contextvars``, ``logger.bind``, ...);
- no logging at all.

Applies only to tasks that declare the rule (scope ``declared``). Test files are not
graded. Score: 1 minus 0.25 per kind of problem (prints, formatted messages, missing
correlation id).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from evals.schema import Evidence, Grade
from graders._ast_util import evidence, parse_or_verdict
from graders._base import GradeContext, StaticGrader
from graders._logging_facts import log_facts
from graders._sources import isolate_unparsable

__all__ = ["StructuredLoggingGrader"]


class StructuredLoggingGrader(StaticGrader):
    """Fails on prints, interpolated log messages and missing correlation ids."""

    name: ClassVar[str] = "structured_logging"
    default_rules: ClassVar[tuple[str, ...]] = ("always-structured-logging",)
    scope: ClassVar[Literal["all", "declared"]] = "declared"

    @isolate_unparsable()
    def check(self, ctx: GradeContext) -> list[Grade]:
        """Grade every non-test Python file of the sample as one grade."""
        rules = ctx.rule_ids or self.default_rules
        modules, early = parse_or_verdict(self.name, rules, ctx.files)
        if early:
            return early
        found: list[Evidence] = []
        kinds: set[str] = set()
        propagation: list[str] = []
        log_calls = 0
        first_log: Evidence | None = None
        for module in modules:
            facts = log_facts(module)
            propagation += facts.propagation
            kinds |= {"print"} if facts.prints else set()
            kinds |= {"formatted"} if facts.formatted else set()
            log_calls += len(facts.log_calls)
            if facts.log_calls and first_log is None:
                first_log = evidence(module, facts.log_calls[0], "")
            found += [
                evidence(module, p, "print() in service code; use the logger with fields")
                for p in facts.prints
            ]
            found += [
                evidence(
                    module,
                    call,
                    f"log message built with {how}; log a constant message and pass the "
                    "values as structured fields (extra={...} or key=value)",
                )
                for call, how in facts.formatted
            ]
        if log_calls == 0:
            first = modules[0]
            found.append(Evidence(file=first.path, message="no logging at all in the service code"))
            kinds.add("no-logging")
        elif not propagation:
            message = (
                "no correlation/request id is propagated into log records (contextvars + "
                "logging.Filter, middleware, extra=, structlog bind_contextvars)"
            )
            anchor = first_log or Evidence(file=modules[0].path, message="")
            found.append(anchor.model_copy(update={"message": message}))
            kinds.add("no-correlation-id")
        found.sort(key=lambda e: (e.file or "", e.line or 0))
        meta: dict[str, Any] = {
            "problems": sorted(kinds),
            "log_calls": log_calls,
            "propagation": sorted(set(propagation)),
        }
        if not found:
            reason = f"{log_calls} structured log call(s); ids via {propagation[0]}"
            return [self.make_grade(ctx, "pass", reason=reason, **meta)]
        score = max(0.0, 1.0 - 0.25 * len(kinds))
        first_ev = found[0]
        where = f"{first_ev.file}:{first_ev.line}" if first_ev.line else str(first_ev.file)
        reason = f"{len(found)} logging problem(s); first {where}: {first_ev.message}"
        return [
            self.make_grade(
                ctx, "fail", score=score, reason=reason, evidence=found, kind="logging", **meta
            )
        ]
