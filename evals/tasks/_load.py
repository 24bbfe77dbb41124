"""Load task folders into :class:`Task` objects, and a folder of tasks into a :class:`Suite`."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from evals._yaml import safe_load
from evals.errors import TaskError
from evals.tasks._patch import apply_patch
from evals.tasks._schema import TaskSpec

__all__ = ["Suite", "Task", "load_suite", "load_task", "read_tree"]

_SKIP_DIRS = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}


def read_tree(root: Path) -> dict[str, str]:
    """Return ``{relative posix path: text}`` for every file below ``root`` (sorted)."""
    if not root.is_dir():
        return {}
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_dir() or any(part in _SKIP_DIRS for part in path.parts):
            continue
        rel = path.relative_to(root).as_posix()
        try:
            out[rel] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise TaskError("is not UTF-8 text; tasks hold text files only", path=path) from exc
    return out


@dataclass(frozen=True)
class Task:
    """One challenge: its spec, the prompt template and every file set.

    Flawed variants are stored as patches against ``solution`` (``patches``: variant
    name -> unified diff) and materialised on first use by :meth:`variant_files`.
    """

    spec: TaskSpec
    path: Path
    prompt_template: str
    starter: dict[str, str]
    hidden_tests: dict[str, str]
    solution: dict[str, str]
    patches: Mapping[str, str] = field(default_factory=dict)
    _materialised: dict[str, dict[str, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def variant_names(self) -> list[str]:
        """The flawed variants, sorted by name."""
        return sorted(self.patches)

    def variant_files(self, name: str) -> dict[str, str]:
        """The files of flawed variant ``name``: ``solution`` with its patch applied.

        Raises:
            TaskError: unknown variant, or its patch no longer applies to ``solution``.
        """
        files = self._materialised.get(name)
        if files is None:
            if name not in self.patches:
                known = ", ".join(self.variant_names) or "none"
                raise TaskError(
                    f"task {self.id} has no flawed variant {name!r}; known: {known}",
                    path=self.path,
                )
            where = self.path / "flawed" / f"{name}.patch"
            files = apply_patch(self.solution, self.patches[name], where=where)
            self._materialised[name] = files
        return dict(files)

    @property
    def flawed(self) -> dict[str, dict[str, str]]:
        """Every flawed variant materialised: variant name -> files."""
        return {name: self.variant_files(name) for name in self.variant_names}

    def digest(self) -> str:
        """sha256 over everything that defines the task (spec, files and patches)."""
        h = hashlib.sha256()
        h.update(self.spec.model_dump_json().encode())
        h.update(self.prompt_template.encode())
        for group in (self.starter, self.hidden_tests, self.solution):
            for name, text in sorted(group.items()):
                h.update(f"\0{name}\0{text}".encode())
        for variant, patch in sorted(self.patches.items()):
            h.update(f"\0flawed/{variant}.patch\0{patch}".encode())
        return h.hexdigest()


def _format_validation(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
    msg = err["msg"]
    if err["type"] == "missing":
        return f"{loc}: required field is missing; add it"
    if err["type"] == "extra_forbidden":
        return f"{loc}: unknown field; remove it or fix its spelling"
    return f"{loc}: {msg}"


def _read_patches(flawed_root: Path, spec: TaskSpec, spec_path: Path) -> dict[str, str]:
    """``flawed/<variant>.patch`` for every declared variant (and nothing undeclared)."""
    patches: dict[str, str] = {}
    if flawed_root.is_dir():
        for entry in sorted(flawed_root.iterdir()):
            if entry.name in _SKIP_DIRS:
                continue
            if entry.is_dir():
                raise TaskError(
                    "is a full copy of a variant; store variants as patches against "
                    f"solution/: evals tasks make-patch {spec.id} {entry.name} --from {entry}",
                    path=entry,
                )
            if entry.suffix != ".patch":
                raise TaskError("unexpected file; flawed/ holds <variant>.patch files", path=entry)
            if entry.stem not in spec.flawed:
                raise TaskError(
                    f"flawed variant {entry.stem!r} is not declared; add it under "
                    "'flawed:' with the rule ids it violates",
                    path=spec_path,
                    field="flawed",
                )
            patches[entry.stem] = entry.read_text(encoding="utf-8")
    for name in spec.flawed:
        if name not in patches:
            raise TaskError(
                f"declares flawed variant {name!r} but flawed/{name}.patch does not exist",
                path=spec_path,
                field=f"flawed.{name}",
            )
    return patches


def load_task(path: str | Path) -> Task:
    """Load ``tasks/<id>/``. Raises :class:`TaskError` naming the file and field."""
    root = Path(path)
    spec_path = root / "task.yaml"
    if not spec_path.is_file():
        raise TaskError("no task.yaml; every task folder needs one", path=root)
    try:
        raw = safe_load(spec_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TaskError(f"invalid YAML: {str(exc).splitlines()[0]}", path=spec_path) from exc
    except UnicodeDecodeError as exc:
        raise TaskError("is not UTF-8 text; save it as UTF-8", path=spec_path) from exc
    if not isinstance(raw, dict):
        raise TaskError("must be a YAML mapping of fields (id, title, ...)", path=spec_path)
    try:
        spec = TaskSpec.model_validate(raw)
    except ValidationError as exc:
        raise TaskError(_format_validation(exc), path=spec_path) from exc
    if spec.id != root.name:
        raise TaskError(
            f"id {spec.id!r} differs from the folder name {root.name!r}; make them equal",
            path=spec_path,
            field="id",
        )
    prompt_path = root / "prompt.md"
    if not prompt_path.is_file():
        raise TaskError("missing prompt.md (the jinja2 prompt template)", path=root)
    solution = read_tree(root / "solution")
    if not solution:
        raise TaskError("solution/ is empty; add the gold files", path=root)
    hidden = read_tree(root / "tests")
    if not hidden:
        raise TaskError("tests/ is empty; add the hidden tests", path=root)
    patches = _read_patches(root / "flawed", spec, spec_path)
    return Task(
        spec=spec,
        path=root,
        prompt_template=prompt_path.read_text(encoding="utf-8"),
        starter=read_tree(root / "starter"),
        hidden_tests=hidden,
        solution=solution,
        patches=patches,
    )


@dataclass(frozen=True)
class Suite:
    """The tasks of one suite folder, in id order, with a content hash."""

    path: Path
    tasks: tuple[Task, ...]

    @property
    def sha(self) -> str:
        h = hashlib.sha256()
        for task in self.tasks:
            h.update(task.digest().encode())
        return h.hexdigest()

    def get(self, task_id: str) -> Task:
        for task in self.tasks:
            if task.id == task_id:
                return task
        known = ", ".join(t.id for t in self.tasks)
        raise TaskError(f"unknown task {task_id!r}; known tasks: {known}", path=self.path)

    def select(self, ids: list[str] | None = None, limit: int | None = None) -> list[Task]:
        tasks = [self.get(i) for i in ids] if ids else list(self.tasks)
        return tasks[:limit] if limit is not None else tasks


def load_suite(path: str | Path) -> Suite:
    """Load every ``<path>/<id>/task.yaml`` folder (or an exported HF dataset folder)."""
    root = Path(path)
    if not root.is_dir():
        raise TaskError(
            "suite folder does not exist; pass --suite PATH to a tasks folder", path=root
        )
    if (
        (root / "dataset_info.json").exists()
        or any(root.glob("*.parquet"))
        or (root / "data").is_dir()
    ):
        from evals.tasks._hf import load_hf_suite  # optional dependency

        return load_hf_suite(root)
    tasks = tuple(
        load_task(p) for p in sorted(root.iterdir()) if p.is_dir() and (p / "task.yaml").exists()
    )
    if not tasks:
        raise TaskError("no tasks found (no <id>/task.yaml below it)", path=root)
    return Suite(path=root, tasks=tasks)
