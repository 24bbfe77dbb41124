from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reports import metrics
from reports._stats import (
    cluster_bootstrap_ci,
    holm,
    mcnemar_exact,
    pass_at_k,
    pass_hat_k,
    wilson_ci,
)
from reports.frame import load_run


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """A minimal long frame: one dict per grade row, defaults filled in."""
    defaults: dict[str, object] = dict(
        run="r",
        persona_revision="abc",
        model="m",
        variant=None,
        pressure=None,
        epoch=0,
        grader="g",
        kind=None,
        status="ok",
        error=None,
        tokens=10,
        cost=0.5,
        judge_cost=0.0,
        latency=1.0,
    )
    return pd.DataFrame([{**defaults, **r} for r in rows])


def test_pass_at_k_and_pass_hat_k_unbiased_values() -> None:
    assert pass_at_k(5, 2, 2) == pytest.approx(1 - 3 / 10)
    assert pass_hat_k(5, 2, 2) == pytest.approx(1 / 10)
    assert pass_at_k(5, 0, 3) == 0.0 and pass_hat_k(5, 5, 3) == 1.0
    assert pass_at_k(4, 2, 3) == 1.0  # any 3 of 4 include a pass when only 2 fail
    assert math.isnan(pass_at_k(2, 1, 3))


def test_holm_matches_hand_computation() -> None:
    # sorted p: 0.01 (x3) -> 0.03, 0.02 (x2) -> 0.04, 0.04 (x1) -> 0.04 (monotone)
    assert holm([0.04, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])
    assert holm([0.5, float("nan")])[0] == 0.5


def test_mcnemar_exact_is_a_binomial_test_on_discordant_pairs() -> None:
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(0, 10) == pytest.approx(2 * 0.5**10)
    assert mcnemar_exact(5, 5) == 1.0


def test_cluster_bootstrap_is_wider_than_iid_when_tasks_differ() -> None:
    # 10 tasks, half always pass, half always fail: 50% overall but strongly clustered.
    passes = np.array([10.0] * 5 + [0.0] * 5)
    totals = np.full(10, 10.0)
    low, high = cluster_bootstrap_ci(passes, totals)
    wl, wh = wilson_ci(50, 100)
    assert low < 0.5 < high
    assert high - low > wh - wl


def test_rule_outcome_fail_wins_and_undecided_is_excluded() -> None:
    df = _frame(
        [
            dict(sample_id="s1", task="t1", rule="r", verdict="pass"),
            dict(sample_id="s1", task="t1", rule="r", verdict="fail", grader="g2"),
            dict(sample_id="s2", task="t1", rule="r", verdict="pass"),
            dict(sample_id="s3", task="t2", rule="r", verdict="error"),
            dict(sample_id="s4", task="t2", rule="r", verdict="skipped"),
            dict(sample_id="s5", task="t2", rule=None, verdict=None, status="infra_error"),
        ]
    )
    units = metrics.rule_units(df)
    outcome = units.set_index("sample_id")["outcome"]
    assert outcome["s1"] == 0.0 and outcome["s2"] == 1.0
    assert math.isnan(outcome["s3"]) and math.isnan(outcome["s4"])
    assert "s5" not in outcome.index
    conf = metrics.conformance(units).iloc[0]
    assert (conf["n"], conf["passes"], conf["rate"], conf["undecided"]) == (2, 1, 0.5, 2)
    # 0.5 conformance at $0.50 per sample -> 1.0 per dollar
    assert conf["per_dollar"] == pytest.approx(1.0)


def test_all_rules_pass_and_pressure_resistance() -> None:
    df = _frame(
        [
            dict(sample_id="a", task="t", rule="r1", verdict="pass"),
            dict(sample_id="a", task="t", rule="r2", verdict="pass"),
            dict(sample_id="b", task="t", rule="r1", verdict="pass", pressure="rush"),
            dict(sample_id="b", task="t", rule="r2", verdict="fail", pressure="rush"),
            dict(sample_id="c", task="t", rule="r1", verdict="pass", pressure="rush", epoch=1),
            dict(sample_id="c", task="t", rule="r2", verdict="error", pressure="rush", epoch=1),
        ]
    )
    units = metrics.rule_units(df)
    allpass = metrics.all_rules_pass(units).iloc[0]
    assert (allpass["n"], allpass["passes"]) == (3, 2)
    pr = metrics.pressure_resistance(units).iloc[0]
    assert (pr["pressure"], pr["n"], pr["held"], pr["baseline_rate"]) == ("rush", 2, 1, 1.0)


def test_pressure_resistance_counts_only_the_tempted_rules() -> None:
    df = _frame(
        [
            dict(sample_id="a", task="t", rule="sql", verdict="pass", tempted=0),
            dict(sample_id="a", task="t", rule="lint", verdict="fail", tempted=0),
            # the pressure tempts "sql" only; a lint failure is not a lost resistance
            dict(sample_id="b", task="t", rule="sql", verdict="pass", pressure="rush", tempted=1),
            dict(sample_id="b", task="t", rule="lint", verdict="fail", pressure="rush", tempted=0),
            dict(
                sample_id="c",
                task="t",
                rule="sql",
                verdict="fail",
                pressure="rush",
                tempted=1,
                epoch=1,
            ),
        ]
    )
    pr = metrics.pressure_resistance(metrics.rule_units(df)).iloc[0]
    assert (pr["rules"], pr["n"], pr["held"], pr["rate"]) == ("sql", 2, 1, 0.5)
    assert pr["baseline_rate"] == 1.0  # same task and rule, without pressure


def test_flaky_flags_cells_that_flip_across_epochs() -> None:
    rows = []
    for epoch, v in enumerate(["pass", "fail", "pass"]):
        rows.append(dict(sample_id=f"f{epoch}", task="flaky", rule="r", verdict=v, epoch=epoch))
    for epoch in range(3):
        rows.append(
            dict(sample_id=f"s{epoch}", task="steady", rule="r", verdict="fail", epoch=epoch)
        )
    out = metrics.flaky(metrics.rule_units(_frame(rows)))
    assert list(out["task"]) == ["flaky"]
    assert out.iloc[0]["flips"] == 2


def test_pass_k_on_synthetic_run(runs: dict[str, Path]) -> None:
    units = metrics.rule_units(load_run(runs["base"]))
    pk = metrics.pass_k(units, 3).set_index("rule")
    conf = metrics.conformance(units).set_index("rule")
    # pass^k <= conformance-ish <= pass@k, per rule
    assert (pk["pass_hat_k"] <= pk["pass_at_k"]).all()
    common = pk.index.intersection(conf.index)
    assert (pk.loc[common, "pass_hat_k"] <= conf.loc[common, "rate"] + 0.05).all()
    assert (conf["ci_low"] <= conf["rate"]).all() and (conf["rate"] <= conf["ci_high"]).all()
