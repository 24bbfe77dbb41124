"""Registries by name for the three extension points: providers, graders, sandboxes.

One door for everything: built-ins are added with :meth:`Registry.register` (as
``"module:attr"`` strings, so that listing names imports nothing), and so is every object
another package publishes under the registry's entry-point group, the first time a
name is asked for or listed::

    # a plugin's pyproject.toml
    [project.entry-points."persona_evals.providers"]
    echo = "my_plugin:create_echo"        # evals run --model echo/anything

A name registered in code wins over an entry point of the same name; two entry points
with the same name are an error naming both distributions.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from evals.errors import EvalsError

__all__ = ["PROVIDERS_GROUP", "GRADERS_GROUP", "SANDBOXES_GROUP", "Registry"]

PROVIDERS_GROUP = "persona_evals.providers"
GRADERS_GROUP = "persona_evals.graders"
SANDBOXES_GROUP = "persona_evals.sandboxes"

T = TypeVar("T")


class Registry(Generic[T]):
    """Factories of one kind by name, filled from code and from an entry-point group.

    Args:
        what: what the names name, for messages ("provider", "grader", "sandbox").
        group: the entry-point group other packages publish under.
        error: the :class:`~evals.errors.EvalsError` subclass raised for unknown names.
        field: the CLI option named in errors (``--model``, ``--grader``, ``--sandbox``).
    """

    def __init__(self, what: str, group: str, error: type[EvalsError], field: str) -> None:
        self.what = what
        self.group = group
        self.error = error
        self.field = field
        self._targets: dict[str, T | str] = {}
        self._origin: dict[str, str] = {}
        self._from_entry_points: set[str] = set()
        self._scanned = False

    def register(self, name: str, target: T | str, *, origin: str = "persona-evals") -> None:
        """Add ``target`` (an object or a lazy ``"module:attr"`` string) under ``name``.

        Args:
            name: the name users type; no ``/`` (providers are named ``kind/model``).
            target: the factory, or ``"module:attr"`` to import it on first use.
            origin: who registered it, shown in errors and ``evals doctor``.
        """
        if not name or "/" in name:
            raise self.error(f"{self.what} name {name!r} must be non-empty and hold no '/'")
        self._targets[name] = target
        self._origin[name] = origin
        self._from_entry_points.discard(name)

    def _scan(self) -> None:
        if self._scanned:
            return
        self._scanned = True
        seen: dict[str, str] = {}
        for ep in entry_points(group=self.group):
            if ep.name in self._targets and ep.name not in self._from_entry_points:
                continue  # registered in code (a built-in): that wins
            dist = ep.dist.name if ep.dist is not None else ep.value
            if ep.name in seen and seen[ep.name] != dist:
                raise self.error(
                    f"{self.what} {ep.name!r} is published by two packages "
                    f"({seen[ep.name]} and {dist}); uninstall one",
                    field=self.field,
                )
            seen[ep.name] = dist
            self.register(ep.name, ep.value, origin=dist)
            self._from_entry_points.add(ep.name)

    def rescan(self) -> None:
        """Forget what entry points registered, and read them again on the next lookup."""
        for name in self._from_entry_points:
            del self._targets[name], self._origin[name]
        self._from_entry_points.clear()
        self._scanned = False

    def names(self) -> list[str]:
        """Every registered name, built-in and from entry points, sorted."""
        self._scan()
        return sorted(self._targets)

    def origin(self, name: str) -> str:
        """The distribution that registered ``name`` (``persona-evals`` for built-ins)."""
        self.get(name)
        return self._origin[name]

    def get(self, name: str) -> T:
        """The object registered under ``name``, importing it on first use.

        Raises:
            EvalsError: (the registry's subclass) unknown name, or the target fails to import.
        """
        if name not in self._targets:
            self._scan()
        if name not in self._targets:
            known = ", ".join(self.names())
            raise self.error(f"unknown {self.what} {name!r}; known: {known}", field=self.field)
        target = self._targets[name]
        if isinstance(target, str):
            target = self._load(name, target)
            self._targets[name] = target
        return target

    def _load(self, name: str, spec: str) -> T:
        module, _, attr = spec.partition(":")
        try:
            obj = importlib.import_module(module)
            for part in attr.split(".") if attr else ():
                obj = getattr(obj, part)
        except (ImportError, AttributeError) as exc:
            raise self.error(
                f"{self.what} {name!r} cannot be loaded from {spec} ({exc}); reinstall "
                f"{self._origin.get(name, 'its package')} or stop using it",
                field=self.field,
            ) from exc
        loaded: T = obj  # type: ignore[assignment]
        return loaded
