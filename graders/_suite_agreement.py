"""Out-of-sample accuracy: graders against a task suite's gold and flawed solutions.

Each task ships a gold ``solution/`` and ``flawed/<variant>/`` overlays that each break
named persona rules on purpose (``task.yaml: flawed.<variant>.violates``). Those labels
were written with the tasks, not with the graders, so they are an independent check of
the labelled examples: a grader should fail exactly the variants violating its rule and
pass the rest. ``declared``-scope graders are only measured on tasks declaring their
rule, as in a run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from evals.tasks import load_suite
from graders._accuracy import Accuracy
from graders._base import GradeContext, StaticGrader, get_grader

__all__ = ["suite_agreement"]


def suite_agreement(suite: str | Path, names: Sequence[str]) -> dict[str, Accuracy]:
    """Precision/recall of each static grader on the suite's gold and flawed solutions."""
    tasks = load_suite(suite).tasks
    out: dict[str, Accuracy] = {}
    for name in names:
        grader = get_grader(name)
        if not isinstance(grader, StaticGrader) or grader.needs_sandbox:
            continue
        acc = out[name] = Accuracy(grader=name)
        rules = set(grader.default_rules)
        for task in tasks:
            if grader.scope == "declared" and not rules & set(task.spec.rules):
                continue
            variants = [("solution", task.solution, False)]
            for variant, files in sorted(task.flawed.items()):
                violates = set(task.spec.flawed[variant].violates)
                variants.append((variant, {**task.solution, **files}, bool(rules & violates)))
            for variant, files, bad in variants:
                ctx = GradeContext(files=files, rule_ids=grader.default_rules)
                grades = grader.check(ctx)
                verdicts = {g.verdict for g in grades}
                flagged = "fail" in verdicts
                decided = flagged or verdicts == {"pass"}
                if bad and flagged:
                    acc.tp += 1
                elif not bad and decided and not flagged:
                    acc.tn += 1
                else:
                    if bad:
                        acc.fn += 1
                    else:
                        acc.fp += 1
                    reason = "; ".join(g.reason for g in grades if g.reason)[:200]
                    label = "bad" if bad else "good"
                    where = f"{task.id}/{variant}"
                    acc.mistakes.append((label, where, ",".join(sorted(verdicts)), reason))
    return out
