"""The nightly gate: fail CI only on a statistically significant regression.

``gate`` compares a run with its baseline (see :mod:`reports.compare`) and returns the
exit code (1 when at least one rule regressed significantly, else 0), a Markdown
summary for the CI step summary, and JUnit XML with one testcase per rule x task: a
testcase fails when its rule regressed significantly and the rule's conformance on
that task dropped, so CI points at the tasks behind the regression.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evals.errors import RunLogError
from reports import metrics
from reports._render import pct
from reports.baseline import find_baseline
from reports.compare import Comparison, Side, compare, only_rules, require_pairs
from reports.compare_render import comparison_markdown
from reports.frame import RunData, scan_run

__all__ = ["GateResult", "gate", "junit_xml"]


@dataclass
class GateResult:
    """What the gate decided and everything it reports."""

    run: RunData
    baseline: RunData | None
    comparison: Comparison | None
    units: pd.DataFrame
    flaky: pd.DataFrame

    @property
    def regressed(self) -> list[str]:
        """Rules with a significant regression (empty without a baseline)."""
        return self.comparison.regressed if self.comparison is not None else []

    @property
    def exit_code(self) -> int:
        """1 on a significant regression, else 0."""
        return 1 if self.regressed else 0


def _side(run: RunData) -> Side:
    persona = run.manifest.personas[0] if len(run.manifest.personas) == 1 else {}
    return Side(run.path.resolve().name, metrics.rule_units(run.frame), persona)


def gate(
    run_dir: Path,
    baseline: Path | None = None,
    *,
    alpha: float = 0.05,
    pair_by: tuple[str, ...] = tuple(metrics.PAIR_KEYS),
    rules: tuple[str, ...] = (),
) -> GateResult:
    """Gate ``run_dir`` against ``baseline`` (default: the blessed baseline, if any).

    Args:
        run_dir: The run to judge.
        baseline: The run to compare with; ``None`` looks up ``baseline.json`` in the
            run's parent folder. Without any baseline nothing can regress (exit 0).
        alpha: Family-wise significance level (Holm across rules).
    """
    run = scan_run(run_dir)
    if run.frame.empty:
        raise RunLogError("holds 0 samples: nothing to gate (run or resume it first)", path=run_dir)
    base_path = baseline if baseline is not None else find_baseline(run_dir)
    base = scan_run(base_path) if base_path is not None else None
    side = _side(run)
    base_side = _side(base) if base is not None else None
    if rules:
        others = [base_side.units] if base_side is not None else []
        side = Side(side.label, only_rules(side.units, rules, *others), side.persona)
    cmp = None
    if base_side is not None:
        cmp = require_pairs(compare(base_side, side, alpha=alpha, pair_by=pair_by, rules=rules))
    return GateResult(run, base, cmp, side.units, metrics.flaky(side.units))


def _task_rates(units: pd.DataFrame) -> pd.DataFrame:
    decided = units[units["outcome"].notna()]
    return decided.groupby(["rule", "task"], observed=True)["outcome"].agg(["sum", "count"])


def markdown_summary(result: GateResult) -> str:
    """The gate's Markdown summary (fit for ``$GITHUB_STEP_SUMMARY``)."""
    run = result.run
    name = run.path.resolve().name
    head = ["# persona-evals gate", ""]
    if result.regressed:
        head.append(
            f"❌ **Significant regression** on {len(result.regressed)} rule(s) in "
            f"`{name}`: " + ", ".join(f"`{r}`" for r in result.regressed)
        )
    elif result.comparison is None:
        head.append(
            f"✅ `{name}`: no baseline to compare with, so nothing can regress "
            "(bless one with `evals baseline set RUN`)."
        )
    else:
        head.append(
            f"✅ No significant regression in `{name}` against `{result.comparison.a.label}`."
        )
    if result.comparison is not None and result.comparison.pairs == 0:
        head += [
            "",
            "⚠️ **Nothing was compared**: no (sample, rule) verdict pairs with the "
            "baseline (different models or tasks, or every sample failed).",
        ]
    if not run.manifest.isolated:
        head += ["", "⚠️ **NOT ISOLATED**: candidate code ran without the sandbox."]
    samples = metrics.sample_table(run.frame)
    infra = int((samples["status"] == "infra_error").sum())
    allpass = metrics.all_rules_pass(result.units).iloc[0]
    head += [
        "",
        f"{len(samples)} samples · all rules pass on {pct(allpass['rate'])} · "
        f"{infra} infra errors (excluded) · state {run.manifest.state}",
        "",
    ]
    if result.comparison is not None:
        head.append(comparison_markdown(result.comparison, title="Rules against the baseline"))
    else:
        conf = metrics.conformance(result.units)
        head += [
            "| rule | conformance | 95% CI | n | grader errors |",
            "| --- | ---: | --- | ---: | ---: |",
        ]
        head += [
            f"| `{r.rule}` | {pct(r.rate)} | [{pct(r.ci_low)}, {pct(r.ci_high)}] | {r.n} | "
            f"{pct(r.error_rate)} |"
            for r in conf.itertuples()
        ]
    flaky = result.flaky
    if len(flaky):
        tasks = flaky.groupby("task", observed=True).size().sort_values(ascending=False)
        head += ["", f"### Flaky: {len(flaky)} rule × task cells flip across epochs", ""]
        head += [f"- `{t}`: {n} flaky cell(s)" for t, n in tasks.head(10).items()]
        if len(tasks) > 10:
            head.append(f"- … and {len(tasks) - 10} more tasks")
    return "\n".join(head) + "\n"


def junit_xml(result: GateResult) -> str:
    """JUnit XML: one ``testcase`` per rule x task (classname = rule, name = task)."""
    now = _task_rates(result.units)
    before = (
        _task_rates(result.comparison.a.units)
        if result.comparison is not None
        else pd.DataFrame(columns=["sum", "count"])
    )
    verdicts = (
        {r.rule: r for r in result.comparison.table.itertuples()}
        if result.comparison is not None
        else {}
    )
    flaky = {(str(f.rule), str(f.task)) for f in result.flaky.itertuples()}
    suite = ET.Element("testsuite", name="persona-evals gate")
    failures = skipped = 0
    measured = set(
        zip(result.units["rule"].astype(str), result.units["task"].astype(str), strict=True)
    )
    rules = sorted({r for r, _ in measured})
    tasks = sorted({t for _, t in measured})
    for rule in rules:
        for task in tasks:
            if (rule, task) not in measured:
                continue  # the rule's graders do not run on this task
            case = ET.SubElement(suite, "testcase", classname=rule, name=task)
            if (rule, task) not in now.index:
                ET.SubElement(case, "skipped", message="no pass/fail verdict (error/skipped)")
                skipped += 1
                continue
            s, c = now.loc[(rule, task)]
            rate = s / c
            old = before.loc[(rule, task)] if (rule, task) in before.index else None
            old_rate = old["sum"] / old["count"] if old is not None else math.nan
            out = f"conformance {pct(rate)} ({int(s)}/{int(c)})"
            if not math.isnan(old_rate):
                out += f"; baseline {pct(old_rate)}"
            if (rule, task) in flaky:
                out += "; FLAKY: verdict flips across epochs"
            v = verdicts.get(rule)
            if v is not None and v.verdict == "regressed" and rate < old_rate:
                ET.SubElement(
                    case,
                    "failure",
                    type="regression",
                    message=(
                        f"{rule} regressed significantly (Δ {v.delta * 100:+.0f} pp, Holm p = "
                        f"{v.p_holm:.2g}); on {task}: {pct(old_rate)} → {pct(rate)}"
                    ),
                )
                failures += 1
            ET.SubElement(case, "system-out").text = out
    suite.set("tests", str(len(suite.findall("testcase"))))
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    suite.set("errors", "0")
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode")
