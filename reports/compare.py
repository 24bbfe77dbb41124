"""Compare two persona revisions (or two runs) rule by rule, on paired samples.

Samples pair by (model, task, variant, pressure, epoch), the model by its base name so a
single-turn run compares with an agent run of the same model
(:func:`reports.agent.base_model`). For each rule, over the pairs where both sides have
an outcome: the delta in conformance with a paired bootstrap CI clustered by task, an
exact McNemar test on the discordant pairs, and Holm's correction across rules. A rule
*regressed* or *improved* only when its Holm-adjusted p-value is below ``alpha``;
otherwise there is no significant change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from evals.errors import ConfigError, RunLogError
from reports._stats import holm, mcnemar_exact, paired_cluster_bootstrap_ci
from reports.agent import base_model
from reports.frame import RunData, scan_run
from reports.metrics import PAIR_KEYS, error_rate, rule_units

__all__ = [
    "Comparison",
    "RuleDiff",
    "Side",
    "compare",
    "compare_paths",
    "compare_units",
    "diff_rules",
    "only_rules",
    "parse_pair_by",
    "require_pairs",
]

IMPROVED, REGRESSED, NO_CHANGE, NOT_COMPARABLE = (
    "improved",
    "regressed",
    "no significant change",
    "not comparable",
)


@dataclass
class Side:
    """One side of a comparison: a label, its (sample, rule) units and persona entry."""

    label: str
    units: pd.DataFrame
    persona: dict[str, Any] = field(default_factory=dict)


@dataclass
class RuleDiff:
    """Rule-level difference between two persona revisions (by rule id)."""

    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    #: ``{"id", "old", "new", "old_graders", "new_graders"}`` per changed rule.
    changed: list[dict[str, Any]] = field(default_factory=list)

    def note(self, rule_id: str) -> str:
        """One-line description of what happened to ``rule_id`` ("" if unchanged)."""
        if any(r["id"] == rule_id for r in self.added):
            return "added"
        if any(r["id"] == rule_id for r in self.removed):
            return "removed"
        for c in self.changed:
            if c["id"] == rule_id:
                return "text changed" if c["old"] != c["new"] else "graders changed"
        return ""


@dataclass
class Comparison:
    """The per-rule comparison of side ``a`` (before) with side ``b`` (after)."""

    a: Side
    b: Side
    table: pd.DataFrame
    diff: RuleDiff
    alpha: float
    pairs: int
    #: The sample keys that paired the two sides (see :func:`parse_pair_by`).
    pair_by: tuple[str, ...] = tuple(PAIR_KEYS)

    @property
    def regressed(self) -> list[str]:
        """Rule ids with a significant regression."""
        return list(self.table.loc[self.table["verdict"] == REGRESSED, "rule"])

    @property
    def improved(self) -> list[str]:
        """Rule ids with a significant improvement."""
        return list(self.table.loc[self.table["verdict"] == IMPROVED, "rule"])


def diff_rules(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> RuleDiff:
    """Added, removed and changed rules (text or graders) between two rule lists."""
    old = {r["id"]: r for r in a}
    new = {r["id"]: r for r in b}
    diff = RuleDiff(
        added=[new[i] for i in new if i not in old],
        removed=[old[i] for i in old if i not in new],
    )
    for rid in old.keys() & new.keys():
        o, n = old[rid], new[rid]
        if o.get("text") != n.get("text") or list(o.get("graders", [])) != list(
            n.get("graders", [])
        ):
            diff.changed.append(
                {
                    "id": rid,
                    "old": o.get("text", ""),
                    "new": n.get("text", ""),
                    "old_graders": o.get("graders", []),
                    "new_graders": n.get("graders", []),
                }
            )
    diff.changed.sort(key=lambda c: c["id"])
    return diff


def parse_pair_by(value: str | None) -> tuple[str, ...]:
    """``"task,pressure,epoch"`` -> the pairing keys; None -> every key (:data:`PAIR_KEYS`).

    ``task`` is required (the bootstrap clusters by task). Dropping ``model`` pairs runs
    of different models; dropping ``variant`` pairs oracle/flawed with oracle/gold.

    Raises:
        ConfigError: an unknown key, or no ``task``.
    """
    if value is None or not value.strip():
        return tuple(PAIR_KEYS)
    keys = tuple(k.strip() for k in value.split(",") if k.strip())
    unknown = [k for k in keys if k not in PAIR_KEYS]
    if unknown or "task" not in keys or len(set(keys)) != len(keys):
        raise ConfigError(
            f"{value!r} is not a comma list of {', '.join(PAIR_KEYS)} including task "
            "(e.g. task,variant,pressure,epoch to pair runs of different models)",
            field="--pair-by",
        )
    return tuple(k for k in PAIR_KEYS if k in keys)


def _paired(a: pd.DataFrame, b: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    def prep(units: pd.DataFrame) -> pd.DataFrame:
        u = units[units["outcome"].notna()][[*keys, "rule", "outcome"]].copy()
        for col in [*keys, "rule"]:
            if col != "epoch":
                u[col] = u[col].astype("object").fillna("")
        # A single-turn run pairs with an agent run of the same model
        # (anthropic/m ~ claude-code/m ~ agent/anthropic/m) unless that would merge two
        # candidates of one side.
        names = {str(m): base_model(str(m)) for m in u["model"].unique()} if "model" in u else {}
        if names and len(set(names.values())) == len(names):
            u["model"] = u["model"].map(names)
        return u

    return prep(a).merge(prep(b), on=[*keys, "rule"], suffixes=("_a", "_b"))


def compare_units(
    a: pd.DataFrame,
    b: pd.DataFrame,
    *,
    alpha: float = 0.05,
    seed: int = 0,
    pair_by: tuple[str, ...] = tuple(PAIR_KEYS),
) -> pd.DataFrame:
    """Per-rule paired comparison of two :func:`~reports.metrics.rule_units` frames.

    Samples pair on ``pair_by`` (every key by default); a key left out may pair one
    sample with several on the other side (each pair counts).

    Returns:
        One row per rule seen on either side: ``pairs, a_rate, b_rate, delta, ci_low,
        ci_high, improved_pairs, regressed_pairs, a_error_rate, b_error_rate, p, p_holm,
        verdict`` (``*_error_rate``: share of that side's units left without a verdict by
        a grader error; they are not in the pairs, so a rise there is shown, not hidden).
    """
    pairs = _paired(a, b, pair_by)
    rules = sorted(
        set(a["rule"].astype("object").dropna()) | set(b["rule"].astype("object").dropna())
    )
    rows = []
    for rule in rules:
        p = pairs[pairs["rule"] == rule]
        if p.empty:
            rows.append(
                {
                    "rule": rule,
                    "pairs": 0,
                    "a_rate": math.nan,
                    "b_rate": math.nan,
                    "delta": math.nan,
                    "ci_low": math.nan,
                    "ci_high": math.nan,
                    "improved_pairs": 0,
                    "regressed_pairs": 0,
                    "p": math.nan,
                }
            )
            continue
        d = p["outcome_b"] - p["outcome_a"]
        per_task = d.groupby(p["task"]).agg(["sum", "count"])
        low, high = paired_cluster_bootstrap_ci(
            per_task["sum"].to_numpy(dtype=float),
            per_task["count"].to_numpy(dtype=float),
            seed=seed,
        )
        up, down = int((d > 0).sum()), int((d < 0).sum())
        rows.append(
            {
                "rule": rule,
                "pairs": len(p),
                "a_rate": float(p["outcome_a"].mean()),
                "b_rate": float(p["outcome_b"].mean()),
                "delta": float(d.mean()),
                "ci_low": low,
                "ci_high": high,
                "improved_pairs": up,
                "regressed_pairs": down,
                "p": mcnemar_exact(up, down),
            }
        )
    table = pd.DataFrame(
        rows,
        columns=[
            "rule",
            "pairs",
            "a_rate",
            "b_rate",
            "delta",
            "ci_low",
            "ci_high",
            "improved_pairs",
            "regressed_pairs",
            "p",
        ],
    )
    for side, units in (("a", a), ("b", b)):
        per_rule = {r: error_rate(g) for r, g in units.groupby("rule", observed=True)}
        table[f"{side}_error_rate"] = [per_rule.get(r, math.nan) for r in table["rule"]]
    table["p_holm"] = holm(list(table["p"]))
    table["verdict"] = [_verdict(r.pairs, r.delta, r.p_holm, alpha) for r in table.itertuples()]
    return table


def _verdict(pairs: int, delta: float, p_holm: float, alpha: float) -> str:
    if pairs == 0:
        return NOT_COMPARABLE
    if p_holm < alpha:
        return IMPROVED if delta > 0 else REGRESSED
    return NO_CHANGE


def only_rules(units: pd.DataFrame, rules: tuple[str, ...], *others: pd.DataFrame) -> pd.DataFrame:
    """``units`` restricted to ``rules`` (all when empty).

    Raises:
        ConfigError: a rule id measured by none of ``units`` and ``others``.
    """
    if not rules:
        return units
    known = {str(r) for frame in (units, *others) for r in frame["rule"].dropna().unique()}
    unknown = [r for r in rules if r not in known]
    if unknown:
        raise ConfigError(
            f"unknown rule {unknown[0]!r}: no grade of these runs measures it; known: "
            f"{', '.join(sorted(known)) or 'none'}",
            field="--rule",
        )
    return units[units["rule"].astype("object").isin(rules)]


def compare(
    a: Side,
    b: Side,
    *,
    alpha: float = 0.05,
    pair_by: tuple[str, ...] = tuple(PAIR_KEYS),
    rules: tuple[str, ...] = (),
) -> Comparison:
    """Compare two sides (only ``rules`` when given); see :func:`compare_units`."""
    if rules:
        a = Side(a.label, only_rules(a.units, rules, b.units), a.persona)
        b = Side(b.label, only_rules(b.units, rules, a.units), b.persona)
    table = compare_units(a.units, b.units, alpha=alpha, pair_by=pair_by)
    diff = diff_rules(a.persona.get("rules", []), b.persona.get("rules", []))
    table["persona_change"] = [diff.note(r) for r in table["rule"]]
    return Comparison(a, b, table, diff, alpha, int(table["pairs"].sum()), pair_by)


def require_pairs(cmp: Comparison) -> Comparison:
    """``cmp``, or a one-line ConfigError when nothing could be compared.

    Raises:
        ConfigError: 0 samples on a side, or 0 (sample, rule) pairs between the sides.
    """
    for side in (cmp.a, cmp.b):
        if side.units.empty:
            raise ConfigError(
                f"{side.label} has no graded sample: nothing to compare (run or resume it)",
                field="runs",
            )
    if cmp.pairs == 0:
        models = (
            sorted(set(cmp.a.units["model"].astype(str))),
            sorted(set(cmp.b.units["model"].astype(str))),
        )
        hint = (
            f"the models differ ({', '.join(models[0])} vs {', '.join(models[1])}); "
            "to pair across models pass --pair-by task,variant,pressure,epoch"
            if models[0] != models[1] and "model" in cmp.pair_by
            else "they share no task/variant/pressure/epoch; loosen --pair-by"
        )
        raise ConfigError(
            f"0 comparable (sample, rule) pairs between {cmp.a.label} and {cmp.b.label} "
            f"when paired by {','.join(cmp.pair_by)}: {hint}",
            field="--pair-by",
        )
    return cmp


def _sides_of_run(run: RunData) -> tuple[Side, Side]:
    personas = run.manifest.personas
    if len(personas) != 2:
        raise RunLogError(
            f"holds {len(personas)} persona revision(s); pass two runs, or one run made "
            "with two `--persona` revisions",
            path=run.path,
            field="personas",
        )
    units = rule_units(run.frame)
    sides = []
    for persona in personas:
        sha = str(persona.get("sha256", ""))[:12]
        mine = units[units["persona_revision"].astype("object") == sha]
        sides.append(Side(f"{persona.get('ref', '?')} ({sha[:8]})", mine, persona))
    return sides[0], sides[1]


def _side_of_run(run: RunData) -> Side:
    if len(run.manifest.personas) > 1:
        raise RunLogError(
            "holds several persona revisions; compare them with `evals compare RUN` alone",
            path=run.path,
            field="personas",
        )
    persona = run.manifest.personas[0] if run.manifest.personas else {}
    return Side(run.path.name, rule_units(run.frame), persona)


def compare_paths(
    run_a: Path,
    run_b: Path | None = None,
    *,
    alpha: float = 0.05,
    pair_by: tuple[str, ...] = tuple(PAIR_KEYS),
    rules: tuple[str, ...] = (),
) -> Comparison:
    """Compare two runs (``a`` = before), or the two persona revisions inside ``run_a``."""
    first = scan_run(run_a)
    if run_b is None:
        a, b = _sides_of_run(first)
    else:
        a, b = _side_of_run(first), _side_of_run(scan_run(run_b))
    return compare(a, b, alpha=alpha, pair_by=pair_by, rules=rules)
