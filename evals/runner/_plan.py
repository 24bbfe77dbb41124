"""The plan: tasks × candidates × persona revisions × epochs (× variants, pressure)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from evals.persona import Persona
from evals.providers import Provider
from evals.providers.replay import ReplayProvider
from evals.tasks import Task

__all__ = ["PlanItem", "build_plan", "sample_id"]


def sample_id(
    persona_sha: str,
    model: str,
    task_id: str,
    variant: str | None,
    pressure: str | None,
    epoch: int,
) -> str:
    """Stable id of one sample: the same plan item always gets the same id."""
    key = "\0".join([persona_sha, model, task_id, variant or "", pressure or "", str(epoch)])
    return "s" + hashlib.sha256(key.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class PlanItem:
    sample_id: str
    persona: Persona
    provider: Provider
    task: Task
    variant: str | None
    pressure: str | None
    epoch: int
    #: sha256 of the task as planned (recorded on the sample).
    task_sha: str = ""


def build_plan(
    personas: list[Persona],
    providers: list[Provider],
    tasks: list[Task],
    epochs: int | None,
    *,
    pressure: bool = True,
) -> list[PlanItem]:
    """Every plan item, in a stable order.

    ``epochs`` None means 1, except for a provider that knows its epochs per task (a
    replay file, ``epochs_of``): then every epoch it holds is planned. A number limits
    every provider to epochs ``0 .. epochs - 1``.
    """
    items: list[PlanItem] = []
    digests: dict[str, str] = {}
    for persona in personas:
        for provider in providers:
            wants_pressure = pressure and provider.supports_pressure
            epochs_of = provider.epochs_of if isinstance(provider, ReplayProvider) else None
            for task in tasks:
                if epochs is None and epochs_of is not None:
                    task_epochs = list(epochs_of(task.id))
                else:
                    task_epochs = list(range(epochs or 1))
                digest = digests.setdefault(task.id, task.digest())
                prompts: list[str | None] = [None]
                if wants_pressure:
                    prompts += [p.id for p in task.spec.pressure]
                for variant in provider.variants(task):
                    for prompt in prompts:
                        for epoch in task_epochs:
                            if not provider.has(task.id, epoch):
                                continue
                            sid = sample_id(
                                persona.sha256, provider.name, task.id, variant, prompt, epoch
                            )
                            items.append(
                                PlanItem(
                                    sid, persona, provider, task, variant, prompt, epoch, digest
                                )
                            )
    return items
