"""``typed_errors``: rule "Always: typed errors".

Fails on ``raise Exception``/``BaseException``, bare ``except:``, broad catches that
swallow the failure, ``contextlib.suppress(Exception)``, translating an exception
without ``from``, and HTTP handlers that catch broadly and answer 200 with an error
body (see :mod:`graders._typed_checks`). Passes custom exception hierarchies, apt
built-ins, broad catches that log and re-raise or route the failure, and narrow
catches that deliberately ignore. Also reports, in the grade's metadata, whether
errors are mapped to HTTP status codes (:mod:`graders._typed_http`). Test files are
not graded (see :mod:`graders._sources`).
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar, Literal

from evals.schema import Evidence, Grade
from graders._ast_util import parse_modules
from graders._base import GradeContext, StaticGrader, error_grade, skipped_grade
from graders._sources import isolate_unparsable
from graders._typed_checks import check_module
from graders._typed_http import http_mapping

__all__ = ["TypedErrorsGrader"]


class TypedErrorsGrader(StaticGrader):
    """Fails when errors are untyped, swallowed, or translated without their cause."""

    name: ClassVar[str] = "typed_errors"
    default_rules: ClassVar[tuple[str, ...]] = ("always-typed-errors",)
    scope: ClassVar[Literal["all", "declared"]] = "all"

    @isolate_unparsable()
    def check(self, ctx: GradeContext) -> list[Grade]:
        """Grade every non-test Python file of the sample as one grade."""
        rule_ids = ctx.rule_ids or self.default_rules
        sources, failures = parse_modules(ctx.files)
        if failures:
            return [error_grade(self.name, rule_ids, "; ".join(f.reason for f in failures))]
        if not sources:
            return [skipped_grade(self.name, rule_ids, "no non-test Python files to grade")]
        evidence: list[Evidence] = []
        kinds: Counter[str] = Counter()
        mapping: list[str] = []
        for source in sources:
            for f in check_module(source.tree):
                kinds[f.kind] += 1
                evidence.append(
                    Evidence(
                        file=source.path,
                        line=f.line,
                        col=f.col + 1,
                        snippet=source.line(f.line),
                        message=f"[{f.kind}] {f.message}",
                    )
                )
            mapping.extend(
                f"{source.path}:{line}: {what}"
                for line, what in http_mapping(source.tree, source.nodes)
            )
        verdict: Literal["pass", "fail"] = "fail" if evidence else "pass"
        if evidence:
            first = evidence[0]
            summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
            reason = f"{len(evidence)} finding(s): {summary}; first at {first.file}:{first.line}"
        else:
            reason = "errors are typed and handled"
        return [
            self.make_grade(
                ctx,
                verdict,
                reason=reason,
                evidence=evidence,
                finding_counts=dict(kinds),
                http_status_mapping=bool(mapping),
                http_status_mapping_sites=mapping,
                files_graded=[s.path for s in sources],
            )
        ]
