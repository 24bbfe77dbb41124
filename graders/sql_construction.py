"""``sql_construction``: SQL text must not be built from data; use driver parameters.

Rules: "Never: string concatenation for SQL" and "Always: parameterized queries".

A within-module dataflow analysis (:mod:`graders._sql_flow`) follows strings through
assignments, ``+=``, f-strings, ``%``, ``.format``, ``join``, containers, branches,
loops and same-module helper functions to the sinks: DB-API ``execute``/
``executemany``/``executescript``, the sqlite3/aiosqlite/asyncpg/psycopg query
methods, SQLAlchemy ``text()``/``exec_driver_sql``/``execute``, pandas ``read_sql*``,
psycopg ``sql.SQL`` and Django ``raw``/``extra``/``RawSQL``.

Severities: ``injection`` when non-constant data enters SQL text, ``style`` when SQL
text is assembled from constants only. Option ``fail_on`` (default ``["injection"]``)
says which severities fail the rule. Test files are not graded (see
:mod:`graders._sources`).
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar, Literal

from evals.errors import GraderError
from evals.schema import Evidence, Grade
from graders._ast_util import parse_modules
from graders._base import GradeContext, StaticGrader, error_grade, skipped_grade
from graders._sources import isolate_unparsable
from graders._sql_flow import analyse_module

__all__ = ["SEVERITIES", "SqlConstructionGrader"]

SEVERITIES = ("injection", "style")


def _fail_on(ctx: GradeContext) -> set[str]:
    raw = ctx.options.get("fail_on", ["injection"])
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list | tuple) or not all(v in SEVERITIES for v in values):
        raise GraderError(
            f"sql_construction option fail_on must be a list drawn from {list(SEVERITIES)}, "
            f"got {raw!r}",
            field="graders.sql_construction.fail_on",
        )
    return set(values)


class SqlConstructionGrader(StaticGrader):
    """Fails when data is built into SQL text that reaches a database sink."""

    name: ClassVar[str] = "sql_construction"
    default_rules: ClassVar[tuple[str, ...]] = ("never-sql-concat", "always-parameterized-queries")
    scope: ClassVar[Literal["all", "declared"]] = "all"

    @isolate_unparsable()
    def check(self, ctx: GradeContext) -> list[Grade]:
        """Grade every non-test Python file of the sample as one grade."""
        fail_on = _fail_on(ctx)
        rule_ids = ctx.rule_ids or self.default_rules
        sources, failures = parse_modules(ctx.files)
        if failures:
            return [error_grade(self.name, rule_ids, "; ".join(f.reason for f in failures))]
        if not sources:
            return [skipped_grade(self.name, rule_ids, "no non-test Python files to grade")]
        evidence: list[Evidence] = []
        counts: Counter[str] = Counter({s: 0 for s in SEVERITIES})
        sinks = 0
        for source in sources:
            for f in analyse_module(source.tree, source.nodes):
                counts[f.severity] += 1
                sinks += 1
                if f.severity == "injection" and not f.sink:
                    message = (
                        f"{f.origin.what}; the SQL text is built from data (not executed here: "
                        "stored, returned or passed on)"
                    )
                elif f.severity == "injection":
                    message = f"{f.origin.what}; reaches SQL sink {f.sink} (line {f.sink_line})"
                else:
                    how = f.origin.what.removeprefix("SQL built by ")
                    message = (
                        f"SQL text assembled from constants ({how}) reaches SQL sink {f.sink} "
                        f"(line {f.sink_line}); style only"
                    )
                evidence.append(
                    Evidence(
                        file=source.path,
                        line=f.origin.line,
                        col=f.origin.col + 1,
                        snippet=source.line(f.origin.line),
                        message=f"[{f.severity}] {message}",
                    )
                )
        failing = sum(counts[s] for s in fail_on)
        verdict: Literal["pass", "fail"] = "fail" if failing else "pass"
        if failing:
            first = next(
                e for e in evidence if any(e.message.startswith(f"[{s}]") for s in fail_on)
            )
            reason = (
                f"{failing} SQL construction finding(s) ({', '.join(sorted(fail_on))}); "
                f"first at {first.file}:{first.line}"
            )
        elif evidence:
            reason = f"no failing findings; {len(evidence)} style-only finding(s)"
        else:
            reason = "no SQL text built from data reaches a sink"
        return [
            self.make_grade(
                ctx,
                verdict,
                reason=reason,
                evidence=evidence,
                kind="injection" if counts["injection"] and verdict == "fail" else None,
                severity_counts=dict(counts),
                fail_on=sorted(fail_on),
                files_graded=[s.path for s in sources],
            )
        ]
