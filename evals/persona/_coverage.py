"""Which rules of a persona a task tempts, and how much of a persona a suite measures.

Tasks name the default persona's rule ids in ``task.yaml`` (``rules:``). Those ids
stand for behaviours (:data:`~evals.persona._behaviours.Behaviour.default_rules`), so a
task *tempts* a behaviour when it names one of its rules; a rule of any persona is
tempted by the task when it states a tempted behaviour, or when the task names the rule
itself. This is how a foreign persona's rules are graded on the right tasks without
editing any ``task.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from evals.persona._behaviours import behaviours_of_rule_ids
from evals.persona._model import Persona, Rule

__all__ = ["SuiteCoverage", "suite_coverage", "tempted_behaviours", "tempted_rules"]


def tempted_behaviours(persona: Persona, task_rules: Iterable[str]) -> frozenset[str]:
    """Behaviours a task naming ``task_rules`` tempts, for ``persona``."""
    declared = set(task_rules)
    found = set(behaviours_of_rule_ids(declared))
    for rule in persona.rules:
        if rule.id in declared:
            found.update(rule.behaviours)
    return frozenset(found)


def tempted_rules(persona: Persona, task_rules: Sequence[str]) -> tuple[str, ...]:
    """The task's own rule ids, then every rule of ``persona`` it tempts (file order).

    Args:
        persona: Any persona.
        task_rules: The task's ``task.yaml`` ``rules:``.

    Returns:
        ``task_rules`` followed by the persona's tempted rule ids not already in it.
    """
    behaviours = tempted_behaviours(persona, task_rules)
    extra = [
        r.id for r in persona.rules if r.id not in task_rules and behaviours & set(r.behaviours)
    ]
    return (*task_rules, *extra)


@dataclass(frozen=True)
class SuiteCoverage:
    """How many of a persona's rules some selected task would grade.

    Attributes:
        measured: Rules mapped to a grader that runs on some task for them.
        untempted: Rules mapped to a grader, but no selected task tempts them.
        unmeasured: Rules with no grader at all.
    """

    persona: str
    measured: tuple[Rule, ...]
    untempted: tuple[Rule, ...]
    unmeasured: tuple[Rule, ...]

    @property
    def share(self) -> float:
        """Measured rules over all rules."""
        total = len(self.measured) + len(self.untempted) + len(self.unmeasured)
        return len(self.measured) / total if total else 0.0

    def describe(self) -> str:
        """``"backend: 12/16 rules measured (75%); not tempted: a; unmeasured: b"``."""
        total = len(self.measured) + len(self.untempted) + len(self.unmeasured)
        parts = [f"{self.persona}: {len(self.measured)}/{total} rules measured ({self.share:.0%})"]
        if self.untempted:
            parts.append("no selected task tempts: " + ", ".join(r.id for r in self.untempted))
        if self.unmeasured:
            parts.append("unmeasured: " + ", ".join(r.id for r in self.unmeasured))
        return "; ".join(parts)


def suite_coverage(
    persona: Persona,
    tasks_rules: Iterable[Sequence[str]],
    *,
    every_task: Mapping[str, bool],
) -> SuiteCoverage:
    """Which rules of ``persona`` the selected tasks would grade.

    Args:
        persona: The persona.
        tasks_rules: Each selected task's ``rules:``.
        every_task: Grader name -> it runs on every task whatever the task tempts
            (``scope = "all"``). The judge counts as every-task for rules without a
            behaviour (it judges those everywhere).
    """
    tempted: set[str] = set()
    for rules in tasks_rules:
        tempted.update(tempted_rules(persona, rules))
    measured: list[Rule] = []
    untempted: list[Rule] = []
    unmeasured: list[Rule] = []
    for rule in persona.rules:
        if not rule.graders:
            unmeasured.append(rule)
        elif rule.id in tempted or _everywhere(rule, every_task):
            measured.append(rule)
        else:
            untempted.append(rule)
    return SuiteCoverage(persona.ref, tuple(measured), tuple(untempted), tuple(unmeasured))


def _everywhere(rule: Rule, every_task: Mapping[str, bool]) -> bool:
    for grader in rule.graders:
        if grader == "judge":
            if not rule.behaviours:
                return True
            continue
        if every_task.get(grader, False):
            return True
    return False
