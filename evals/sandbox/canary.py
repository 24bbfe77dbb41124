"""Per-sample canary tests: a verdict that a process the candidate controls cannot fake.

pytest runs in the candidate's process, so whatever that process reports may be forged.
Before every sample the hidden test files are rewritten. Every test function gets a fresh
random name of one shape (``test_`` + letters) and the order is shuffled. Each expected
test with a *mutation site* (an always-executed ``assert <expr> == <literal>``, or a
literal passed to a helper of the file that asserts its parameter ``==`` something)
becomes a *group* of near-identical functions that differ only in that one literal's
value: the real value (the real test) and ``j`` other values (*must-fail* canaries:
``<expr>`` equalled the real value, so it cannot equal another). An expected test with
no usable literal but an always-executed assert whose condition can be turned around
(``==``/``!=``, ``is``/``is not``, ``in``/``not in``, ``x``/``not x``; not ordered
comparisons, which bound timings) gets a group of two: itself and that assert negated.
What has neither (raises-only tests, mostly) is listed in :attr:`CanaryPlan.unverified`
and its pass is the candidate's word alone. One class of the group, drawn
uniformly, is served twice, so a group's shape does not say which class is real; when
the real class is the doubled one its copy is a *must-pass* canary, a real test in name
and shape. A file with no mutation site gets one exact copy of a real test as its
must-pass canary. The map from served names to roles stays in the harness.

Mutant values are chosen so literal frequency does not rank them: another literal of the
same type whose count inside the test and in the rest of the file (the two numbers a
forger can read) match the real value's, or the nearest such; a fresh value of the same
shape (same trailing zeros for numbers) when the real value occurs nowhere else.

A report in which a must-fail canary passed together with its real test (no code returns
both values; wrong code may return the mutated one), a copy did not pass while its real
test did, or any served test is missing, is an ``integrity`` failure. A forger that
cannot compute the right values must guess, per group, which class is real: it survives
with probability at most :attr:`CanaryPlan.bound` = the product of ``1/(j+1)``; groups
get more classes (up to ``max_mutants``) until that is at most ``2**-bits``.
"""

from __future__ import annotations

import ast
import math
import random
import string
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evals.sandbox._canary_sites import (
    Family,
    FlipGroup,
    Func,
    Group,
    body_of,
    checked_helpers,
    clone,
    constants,
    flip_sites,
    freq_bin,
    mutation_sites,
    pool_of,
)
from evals.sandbox._report import PytestReport, TestOutcome

__all__ = ["CanaryPlan", "plant_canaries"]

_Key = tuple[str, str]


@dataclass
class CanaryPlan:
    """The served hidden files and what each served test is (kept by the harness only)."""

    hidden: dict[str, str]
    #: (file, served function name) -> original function name, for the real tests.
    real: dict[_Key, str] = field(default_factory=dict)
    #: must-fail canary -> the served name of the real test it was copied from.
    must_fail: dict[_Key, str] = field(default_factory=dict)
    #: must-pass canary (an exact copy of a real test) -> that real test's served name.
    must_pass: dict[_Key, str] = field(default_factory=dict)
    #: Chance that a forger blind to the right values picks every real class.
    bound: float = 1.0
    #: Expected test functions (``file::name``) with no must-fail canary: no assert the
    #: planter can vary or negate. A pass of one of these is the candidate's word alone.
    unverified: list[str] = field(default_factory=list)

    def _role(self, nodeid: str) -> tuple[_Key, str]:
        file, _, rest = nodeid.partition("::")
        name, bracket, params = rest.partition("[")
        return (file, name), bracket + params

    def real_outcomes(self, report: PytestReport) -> dict[str, TestOutcome]:
        """The real tests' outcomes under their original node ids."""
        out = {}
        for nodeid, outcome in report.outcomes.items():
            key, params = self._role(nodeid)
            if key not in self.real:  # a canary, or a name never served (see violations)
                continue
            original = f"{key[0]}::{self.real[key]}{params}"
            out[original] = TestOutcome(original, outcome.outcome, outcome.message)
        return out

    def violations(self, report: PytestReport, *, allow_missing: bool = False) -> list[str]:
        """Why the report cannot be a true record of this plan (empty when it can).

        ``allow_missing``: served tests may not report (a hidden file failed to collect,
        which is then a fail of its own); every other check still holds.
        """
        seen: set[_Key] = set()
        problems = []
        served = self.real.keys() | self.must_fail.keys() | self.must_pass.keys()
        for nodeid, outcome in sorted(report.outcomes.items()):
            key, params = self._role(nodeid)
            if key not in served:
                problems.append("an outcome was reported for a test this sample was not served")
                continue
            seen.add(key)
            twin_name = self.must_fail.get(key) or self.must_pass.get(key)
            twin = report.outcomes.get(f"{key[0]}::{twin_name}{params}") if twin_name else None
            if twin is None or twin.outcome != "passed":
                continue  # wrong code may fail a test and pass its canary
            if key in self.must_fail and outcome.outcome == "passed":
                problems.append(
                    "a test and its canary, which no code can both pass, were both reported passed"
                )
            if key in self.must_pass and outcome.outcome != "passed":
                problems.append(f"a test was reported passed and its exact copy {outcome.outcome}")
        missing = served - seen
        if missing and not allow_missing:
            problems.append(f"{len(missing)} served test(s) never reported an outcome")
        return list(dict.fromkeys(problems))


class _Namer:
    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng, self.taken = rng, taken

    def __call__(self) -> str:
        while True:
            name = "test_" + "".join(self.rng.choices(string.ascii_lowercase, k=10))
            if name not in self.taken:
                self.taken.add(name)
                return name


class _File:
    """One hidden test file being rewritten."""

    def __init__(self, path: str, text: str, wanted: set[str] | None, rng: random.Random):
        self.path, self.rng = path, rng
        self.tree = ast.parse(text)
        self.tests = [
            n for n in self.tree.body if isinstance(n, Func) and n.name.startswith("test")
        ]
        self.chosen = [t for t in self.tests if wanted is None or t.name in wanted]
        self.bodies = {body_of(t) for t in self.tests}
        self.helpers = checked_helpers(self.tree)
        taken = {n.name for n in self.tree.body if isinstance(n, Func | ast.ClassDef)}
        self.new_name = _Namer(rng, taken)

    def groups(self, families: dict[tuple[Any, ...], Family]) -> list[Group | FlipGroup]:
        """One group per expected test with a site; tests expecting one value share a family.

        Frequencies are counted without the chosen sites: after planting, those positions
        hold every class's value, so only the rest of the file is evidence to a forger.
        """
        order: dict[int, list[int]] = {}  # per test: its sites, bools last, else random
        for func in self.chosen:
            sites = mutation_sites(func.body, self.helpers)
            ranks = [(isinstance(x.value, bool), self.rng.random(), i) for i, x in enumerate(sites)]
            if sites:
                order[id(func)] = [i for _, _, i in sorted(ranks)]
        funcs = [f for f in self.chosen if id(f) in order]
        picked = {id(f): order[id(f)].pop(0) for f in funcs}
        everything = constants(self.tree)
        out: dict[int, Group] = {}
        for _ in range(4):  # a test whose site has no same-bin value tries its next site
            at_sites = Counter(
                (type(x.value), x.value)
                for x in (mutation_sites(f.body, self.helpers)[picked[id(f)]] for f in funcs)
            )
            for func in funcs:
                if id(func) not in out:
                    group = self._group(func, picked[id(func)], everything - at_sites, families)
                    if group is not None:
                        out[id(func)] = group
                    elif order[id(func)]:
                        picked[id(func)] = order[id(func)].pop(0)
        groups: list[Group | FlipGroup] = []
        for func in self.chosen:  # a test with no literal group is negated at a flip site
            if id(func) in out:
                groups.append(out[id(func)])
            elif flips := flip_sites(func.body):
                groups.append(FlipGroup(func, self.rng.randrange(len(flips))))
        return groups

    def fallback(self, group: Group | FlipGroup) -> Group | FlipGroup:
        """``group``, or its test's flip group when no drawn value was left for it."""
        if group.values(self.bodies) or isinstance(group, FlipGroup):
            return group
        sites = flip_sites(group.func.body)
        return FlipGroup(group.func, self.rng.randrange(len(sites))) if sites else group

    def _group(
        self,
        func: Func,
        index: int,
        counts: Counter[Any],
        families: dict[tuple[Any, ...], Family],
    ) -> Group | None:
        site = mutation_sites(func.body, self.helpers)[index]
        local = constants(func) - Counter([(type(site.value), site.value)])

        def key(v: Any) -> tuple[int, int]:
            t = (type(v), v)
            return freq_bin(local[t], counts[t] - local[t])

        target = key(site.value)
        family_key = (self.path, type(site.value), site.value, target)
        if family_key not in families:
            everything = constants(self.tree)
            pool = [v for (t, v) in everything if t is type(site.value) and key(v) == target]
            fresh = type(site.value) is int and target == (0, 0)
            ints = {v for (t, v) in everything if t is int}
            families[family_key] = Family(
                site.value, pool_of(site.value, pool, self.rng), fresh, ints
            )
        family = families[family_key]
        return Group(func, index, family, self.helpers) if family.room else None

    def serve(self, plan: CanaryPlan, groups: list[Group | FlipGroup], copies: bool) -> str:
        served: list[ast.stmt] = []
        real_name: dict[str, str] = {}
        for func in self.tests:
            copied = clone(func)
            copied.name = self.new_name()
            plan.real[(self.path, copied.name)] = func.name
            real_name[func.name] = copied.name
            served.append(copied)
        for group in groups:
            twin = real_name[group.func.name]
            classes = [None, *group.values(self.bodies)]
            doubled = self.rng.randrange(len(classes)) if copies else -1
            for i, value in enumerate(classes):
                for _ in range((i == doubled) + (i > 0)):
                    canary = clone(group.func) if value is None else group.build(value)
                    canary.name = self.new_name()
                    role = plan.must_pass if value is None else plan.must_fail
                    role[(self.path, canary.name)] = twin
                    served.append(canary)
        if copies and self.chosen and not groups:  # still one copy to catch force-fail
            func = self.rng.choice(self.chosen)
            canary = clone(func)
            canary.name = self.new_name()
            plan.must_pass[(self.path, canary.name)] = real_name[func.name]
            served.append(canary)
        self.rng.shuffle(served)
        others = [n for n in self.tree.body if n not in self.tests]
        self.tree.body = [*others, *served]
        return ast.unparse(ast.fix_missing_locations(self.tree)) + "\n"


def _allocate(
    families: list[Family], mutants: int, max_mutants: int, bits: int, rng: random.Random
) -> None:
    """At least ``mutants`` values per family, more until the bound reaches ``2**-bits``."""
    for family in families:
        family.wanted = min(mutants, max_mutants, family.room)
    open_ = [f for f in families if f.wanted < min(max_mutants, f.room)]
    while open_ and sum(math.log2(f.wanted + 1) for f in families) < bits:
        family = min(open_, key=lambda f: (f.wanted, rng.random()))
        family.wanted += 1
        if family.wanted >= min(max_mutants, family.room):
            open_.remove(family)
    for family in families:
        family.settle(rng)


def plant_canaries(
    hidden_tests: Mapping[str, str],
    expected_ids: Sequence[str] = (),
    *,
    rng: random.Random | None = None,
    mutants: int = 1,
    max_mutants: int = 3,
    bits: int = 8,
    copies: bool = True,
) -> CanaryPlan:
    """Rewrite the hidden test files for one sample (see the module docstring).

    Args:
        hidden_tests: Relative path -> text of the task's hidden files; test files
            (``test*.py``) are rewritten, anything else is served unchanged.
        expected_ids: The task's expected node ids; only their functions get canaries
            (every test function when empty).
        rng: Randomness (default: ``random.SystemRandom``, fresh per sample).
        mutants: Must-fail classes per expected test that has a mutation site (0: none).
        max_mutants: At most this many per test when growing towards ``bits``.
        bits: Add classes until a blind forger survives with probability ``<= 2**-bits``
            (where the tests have the sites for it).
        copies: Serve one class of each group twice (and one copy per file without
            groups); False serves no must-pass canary.
    """
    rng = rng or random.SystemRandom()
    plan = CanaryPlan(hidden={})
    wanted: dict[str, set[str]] = {}
    for nodeid in expected_ids:
        file, _, rest = nodeid.partition("::")
        wanted.setdefault(file, set()).add(rest.split("[", 1)[0])
    files: dict[str, _File] = {}
    for path, text in hidden_tests.items():
        name = path.rsplit("/", 1)[-1]
        if name.startswith("test") and name.endswith(".py"):
            files[path] = _File(path, text, wanted.get(path, set()) if expected_ids else None, rng)
        else:
            plan.hidden[path] = text
    families: dict[tuple[Any, ...], Family] = {}
    groups = {path: f.groups(families) if mutants else [] for path, f in files.items()}
    _allocate(list(families.values()), mutants, max_mutants, bits, rng)
    fewest: dict[int, int] = {}  # per family (or flip group): the fewest values it got
    for path, f in files.items():
        live = [f.fallback(g) for g in groups[path]]
        live = [g for g in live if g.values(f.bodies)]
        plan.hidden[path] = f.serve(plan, live, copies and bool(mutants))
        covered = {g.func.name for g in live}
        plan.unverified += [f"{path}::{t.name}" for t in f.chosen if t.name not in covered]
        for group in live:
            n = len(group.values(f.bodies))
            key = id(group.family) if group.family is not None else id(group)
            fewest[key] = min(n, fewest.get(key, n))
    plan.bound = math.prod(1 / (n + 1) for n in fewest.values())
    return plan
