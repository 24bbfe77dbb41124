"""Canary planting: real tests renamed, must-fail siblings differing in one literal,
must-pass canaries, and the verdict checks; gold answers of every task stay green."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from evals.sandbox import ExecResult, Limits, PooledSandbox, PytestReport, TestOutcome
from evals.sandbox._canary_sites import flip_sites
from evals.sandbox.canary import plant_canaries
from evals.tasks import load_task

HIDDEN = {
    "test_hidden_shop.py": """
import pytest
from shop import price

CASES = [(1, 2)]

def helper():
    return 3

def test_price():
    assert price(2, 3) == 6

def test_dict():
    assert {"total": price(1, 1), "ok": True} == {"total": 1, "ok": True}

@pytest.mark.parametrize("a, b", CASES)
def test_param(a, b):
    assert price(a, b) == 2

def test_raises():
    with pytest.raises(ValueError):
        price(-1, 1)
        assert price(1, 1) == 1
""",
    "data.json": "[1]",
}
EXPECTED = [
    "test_hidden_shop.py::test_price",
    "test_hidden_shop.py::test_dict",
    "test_hidden_shop.py::test_param[1-2]",
    "test_hidden_shop.py::test_raises",
]
ROOT = Path(__file__).resolve().parents[2]


def _funcs(text: str) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)}


def test_every_test_is_renamed_and_non_test_code_kept() -> None:
    plan = plant_canaries(HIDDEN, EXPECTED, rng=random.Random(3))
    served = plan.hidden["test_hidden_shop.py"]
    funcs = _funcs(served)
    assert "helper" in funcs and "CASES = [(1, 2)]" in served
    tests = [n for n in funcs if n.startswith("test")]
    assert not {"test_price", "test_dict", "test_param", "test_raises"} & set(tests)
    assert {len(n) for n in tests} == {len("test_") + 10}  # one shape for all
    assert sorted(plan.real.values()) == ["test_dict", "test_param", "test_price", "test_raises"]
    assert plan.hidden["data.json"] == "[1]"


def _negated_once(real: ast.FunctionDef, canary: ast.FunctionDef) -> bool:
    """``canary`` is ``real`` with one assert's condition turned around."""
    pairs = [
        (a, b)
        for a, b in zip(ast.walk(real), ast.walk(canary), strict=False)
        if isinstance(a, ast.Assert) and isinstance(b, ast.Assert) and ast.dump(a) != ast.dump(b)
    ]
    if len(pairs) != 1:
        return False
    a, b = (ast.unparse(x.test) for x in pairs[0])
    flips = [("==", "!="), ("!=", "=="), (" is ", " is not "), (" in ", " not in ")]
    flips += [(" is not ", " is "), (" not in ", " in ")]
    return (
        b in {f"not {a}", f"not ({a})"}
        or a in {f"not {b}", f"not ({b})"}
        or any(a.replace(x, y, 1) == b for x, y in flips)
    )


def test_canaries_differ_from_their_real_test_in_one_literal_or_not_at_all() -> None:
    """Must-fail canaries differ in exactly one literal or one negated assert; must-pass
    ones are exact copies."""
    for seed in range(20):
        plan = plant_canaries(HIDDEN, EXPECTED, rng=random.Random(seed))
        funcs = _funcs(plan.hidden["test_hidden_shop.py"])
        assert plan.must_fail, seed
        for (_, name), twin in plan.must_fail.items():
            apart = _literals_apart(funcs[twin], funcs[name])
            assert apart == 1 or (apart == 0 and _negated_once(funcs[twin], funcs[name])), (
                ast.unparse(funcs[name])
            )
            assert "raises" not in ast.unparse(funcs[name])  # never a site a run may skip
        for (_, name), twin in plan.must_pass.items():
            assert _literals_apart(funcs[twin], funcs[name]) == 0
            assert ast.dump(funcs[twin].args) == ast.dump(funcs[name].args)


def test_a_group_does_not_say_which_class_is_real() -> None:
    """Per group exactly one class is doubled, the real one as often as a mutant."""
    doubled_real = groups = 0
    for seed in range(200):
        plan = plant_canaries(HIDDEN, EXPECTED, rng=random.Random(seed))
        for twin in {t for t in plan.must_fail.values()}:
            mutants = [k for k, t in plan.must_fail.items() if t == twin]
            copies = [k for k, t in plan.must_pass.items() if t == twin]
            assert len(copies) <= 1 and mutants
            groups += 1
            doubled_real += len(copies)
    # j+1 classes, one doubled: the real one with probability 1/(j+1) (j is 1..3 here).
    assert 0.2 < doubled_real / groups < 0.55


def test_mutant_values_come_from_the_real_values_frequency_bin() -> None:
    """A forger ranking classes by how often their value occurs elsewhere learns nothing:
    every offered value occurs as often (in the same bin) outside the varying site."""
    text = """
from shop import price

def test_a():
    assert price("x") == 1

def test_b():
    assert price("y") == 2

def test_c():
    assert price("z") == 3

def test_d():
    assert [5, 6, 7, 8] == [price(i) for i in "abcd"]
"""
    for seed in range(30):
        plan = plant_canaries({"test_s.py": text}, rng=random.Random(seed), bits=1)
        funcs = _funcs(plan.hidden["test_s.py"])
        for (_, name), twin in plan.must_fail.items():
            old = [c.value for c in ast.walk(funcs[twin]) if isinstance(c, ast.Constant)]
            new = [c.value for c in ast.walk(funcs[name]) if isinstance(c, ast.Constant)]
            if old == new:  # a negated twin (no value of the bin was left for it)
                assert _negated_once(funcs[twin], funcs[name])
                continue
            [(was, now)] = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
            # 1..3 and 5 occur only at a site, 6..8 also inside test_d: the bin (0, 0) of
            # 1..3 and 5 holds the made-up values and the other bin-(0, 0) site values only.
            assert isinstance(now, int) and now not in {6, 7, 8}, (was, now)


FLIP_AND_HELPER = """
import pytest
from shop import price, order

def check(response, status, code):
    assert response.status == status
    assert response.code == code

def test_plain_truth():
    result = order(3)
    assert result.ok
    assert result.items is not None

def test_membership():
    assert "x" in order(1).tags

def test_timing_only():
    assert order(1).elapsed < 0.5

def test_loop_over_unknown():
    for item in order(2).items:
        assert item.ok

def test_helper():
    check(order(-1), 422, "bad_quantity")

def test_helper_other():
    check(order(0), 409, "empty_order")

def test_raises_only():
    with pytest.raises(ValueError):
        order(-1)
"""


def test_tests_with_no_literal_get_a_negated_twin() -> None:
    """Asserts with no literal get a negated must-fail twin; helper calls whose helper
    compares a parameter vary that literal; ordered comparisons, loops over unknown
    iterables and raises-only tests get none, and are reported unverified."""
    kinds: dict[str, set[str]] = {}
    for seed in range(40):
        plan = plant_canaries({"test_f.py": FLIP_AND_HELPER}, rng=random.Random(seed))
        funcs = _funcs(plan.hidden["test_f.py"])
        assert sorted(plan.unverified) == [
            "test_f.py::test_loop_over_unknown",
            "test_f.py::test_raises_only",
            "test_f.py::test_timing_only",
        ]
        for (_, name), twin in plan.must_fail.items():
            real = plan.real[("test_f.py", twin)]
            if _literals_apart(funcs[twin], funcs[name]) == 1:
                kinds.setdefault(real, set()).add("literal")
            else:
                assert _negated_once(funcs[twin], funcs[name]), ast.unparse(funcs[name])
                kinds.setdefault(real, set()).add("negated")
    assert kinds["test_plain_truth"] == {"negated"}
    assert kinds["test_membership"] == {"negated"}
    assert "literal" in kinds["test_helper"] and "literal" in kinds["test_helper_other"]


def test_every_checkable_expected_test_of_every_task_is_verified() -> None:
    """Over many seeds, an expected test of a bundled task with an assert the planter may
    negate always gets a must-fail twin, and at most 10% of them go without one (mostly
    raises-only tests: 16 of 188 functions when this was written)."""
    unverified, functions = set(), set()
    for task_yaml in sorted((ROOT / "tasks").glob("*/task.yaml")):
        task = load_task(task_yaml.parent)
        functions |= {(task.spec.id, i.split("[")[0]) for i in task.spec.expected_tests}
        for seed in range(10):
            plan = plant_canaries(
                task.hidden_tests, task.spec.expected_tests, rng=random.Random(seed)
            )
            assert plan.must_fail and plan.bound <= 2**-5, (task.spec.id, seed)
            for item in plan.unverified:
                unverified.add((task.spec.id, item))
                file, _, name = item.partition("::")
                func = _funcs(task.hidden_tests[file])[name]
                assert not flip_sites(func.body), (task.spec.id, item)
    assert len(unverified) <= 0.1 * len(functions), sorted(unverified)


def _literals_apart(a: ast.FunctionDef, b: ast.FunctionDef) -> int:
    left = [n for n in ast.walk(a) if isinstance(n, ast.Constant)]
    right = [n for n in ast.walk(b) if isinstance(n, ast.Constant)]
    assert len(left) == len(right)
    return sum(
        x.value != y.value or type(x.value) is not type(y.value)
        for x, y in zip(left, right, strict=True)
    )


def test_fresh_per_sample() -> None:
    first = plant_canaries(HIDDEN, EXPECTED).hidden["test_hidden_shop.py"]
    second = plant_canaries(HIDDEN, EXPECTED).hidden["test_hidden_shop.py"]
    assert first != second


def _report(outcomes: dict[str, str]) -> PytestReport:
    return PytestReport(
        result=ExecResult(0, "", "", 0.1),
        outcomes={k: TestOutcome(k, v) for k, v in outcomes.items()},  # type: ignore[arg-type]
        finished=True,
    )


def _served(plan, kind: str) -> list[str]:
    keys = {"real": plan.real, "fail": plan.must_fail, "pass": plan.must_pass}[kind]
    return [f"{f}::{n}" for f, n in keys]


def _seed_with_copy() -> int:
    plans = (plant_canaries(HIDDEN, EXPECTED, rng=random.Random(s)) for s in range(100))
    return next(i for i, plan in enumerate(plans) if plan.must_pass)


def test_verdict_checks() -> None:
    plan = plant_canaries(HIDDEN, EXPECTED, rng=random.Random(_seed_with_copy()))
    honest = {i: "passed" for i in _served(plan, "real") + _served(plan, "pass")}
    honest |= {i: "failed" for i in _served(plan, "fail")}
    assert plan.violations(_report(honest)) == []
    assert set(plan.real_outcomes(_report(honest))) == {
        "test_hidden_shop.py::test_price",
        "test_hidden_shop.py::test_dict",
        "test_hidden_shop.py::test_param",
        "test_hidden_shop.py::test_raises",
    }
    everything_passes = dict.fromkeys(honest, "passed")
    assert "both reported passed" in plan.violations(_report(everything_passes))[0]
    # Wrong code that happens to return a canary's mutated value is not a forger.
    wrong = dict(honest) | dict.fromkeys(_served(plan, "real"), "failed")
    wrong |= dict.fromkeys(_served(plan, "fail"), "passed")
    assert plan.violations(_report(wrong)) == []
    # An honest fail of everything is not a forgery; a real test kept, its copy dropped is.
    assert plan.violations(_report(dict.fromkeys(honest, "failed"))) == []
    selective = dict(honest) | dict.fromkeys(_served(plan, "pass"), "failed")
    assert "exact copy failed" in plan.violations(_report(selective))[0]
    missing = dict(list(honest.items())[1:])
    assert "never reported" in plan.violations(_report(missing))[0]


#: Two quick tasks in the default run; all sixteen in the slow run (CI).
QUICK = {"batch-import", "config-secrets"}
TASKS = [
    pytest.param(
        p.parent, id=p.parent.name, marks=() if p.parent.name in QUICK else pytest.mark.slow
    )
    for p in sorted((ROOT / "tasks").glob("*/task.yaml"))
]


@pytest.mark.sandbox
@pytest.mark.parametrize("task_dir", TASKS)
def test_gold_answers_pass_with_canaries(task_dir: Path, bwrap_sandbox: PooledSandbox) -> None:
    """Every task's gold answer: real tests pass, every canary behaves (one seed)."""
    task = load_task(task_dir)
    targets = sorted({i.split("::")[0] for i in task.spec.expected_tests})
    for seed in (0, 1, None):  # two fixed draws and a fresh one
        rng = None if seed is None else random.Random(seed)
        plan = plant_canaries(task.hidden_tests, task.spec.expected_tests, rng=rng)
        assert len(plan.must_fail) >= 2, "too few mutation sites for a meaningful canary set"
        report = bwrap_sandbox.run_pytest(
            task.solution, targets, Limits(wall_seconds=120, cpu_seconds=120), hidden=plan.hidden
        )
        assert report.violations == ()
        assert plan.violations(report) == [], seed
        real = plan.real_outcomes(report)
        assert [i for i in task.spec.expected_tests if real[i].outcome != "passed"] == []
        # The gold answer fails every must-fail canary (each parametrised case of it).
        fails = {f"{f}::{n}" for f, n in plan.must_fail}
        ran = {i: o.outcome for i, o in report.outcomes.items() if i.split("[")[0] in fails}
        assert {i.split("[")[0] for i in ran} == fails
        assert [i for i, outcome in ran.items() if outcome == "passed"] == [], seed


def test_unserved_ids_and_collection_errors_do_not_hide_a_forgery() -> None:
    """Held-out findings: an outcome under a name never served (the original test name)
    is a violation and never a real outcome; with served tests missing (a hidden file
    failed to collect) the canary checks still run."""
    plan = plant_canaries(HIDDEN, EXPECTED, rng=random.Random(_seed_with_copy()))
    honest = {i: "passed" for i in _served(plan, "real") + _served(plan, "pass")}
    honest |= {i: "failed" for i in _served(plan, "fail")}
    forged = dict(honest) | {"test_hidden_shop.py::test_price": "passed"}
    assert "not served" in plan.violations(_report(forged))[0]
    assert plan.real_outcomes(_report(forged)) == plan.real_outcomes(_report(honest))
    everything = dict.fromkeys(honest, "passed")
    some = dict(list(everything.items())[:-1])
    assert plan.violations(_report(some), allow_missing=True)  # both passed still caught
    assert plan.violations(_report(dict(list(honest.items())[:-1])), allow_missing=True) == []
