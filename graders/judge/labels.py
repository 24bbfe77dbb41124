"""The labelled set: ``labels.jsonl``, one human verdict per (candidate output, rule)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evals.errors import ConfigError

__all__ = ["LABELS_PATH", "LabelItem", "load_labels"]

LABELS_PATH = Path(__file__).with_name("labels.jsonl")


class LabelItem(BaseModel):
    """One labelled judgement."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    rule: str = Field(min_length=1)
    #: Task id under the suite (its prompt is shown to the judge), or None.
    task: str | None = None
    #: Where the output came from: ``tasks/<id>/solution``, ``.../flawed/<v>``, ``handwritten``.
    source: str
    #: The candidate output: relative path -> text (an excerpt of the variant's files).
    files: dict[str, str] = Field(min_length=1)
    verdict: Literal["pass", "fail", "not_applicable"]
    rationale: str = Field(min_length=1)


def load_labels(path: Path) -> list[LabelItem]:
    """Read and validate a labels file; errors name the line and the field."""
    if not path.is_file():
        raise ConfigError("labels file does not exist", path=path)
    items: list[LabelItem] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            item = LabelItem.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"not JSON ({exc.msg}); one object per line", path=where) from exc
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "item"
            raise ConfigError(err["msg"], path=where, field=field) from exc
        if item.id in seen:
            raise ConfigError(
                f"duplicate id {item.id!r}; ids must be unique", path=where, field="id"
            )
        seen.add(item.id)
        items.append(item)
    if not items:
        raise ConfigError("no labelled items; add one JSON object per line", path=path)
    return items
