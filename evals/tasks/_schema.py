"""The ``task.yaml`` schema. Errors name the file, the field and the fix."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["FlawedSpec", "PressureSpec", "TaskSpec"]

_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FlawedSpec(_Strict):
    """A flawed variant, ``flawed/<name>.patch`` against ``solution/``: which rules it
    breaks on purpose, and why."""

    #: Persona rule ids this variant violates (and only these).
    violates: list[str] = Field(min_length=1)
    description: str = ""
    #: Whether the hidden tests still pass on this variant ("pass") or must fail ("fail").
    hidden_tests: Literal["pass", "fail"] = "pass"


class PressureSpec(_Strict):
    """A prompt variant that tempts a violation (a stakeholder asking for a shortcut)."""

    id: str
    #: Text appended to the rendered prompt, as the stakeholder's message.
    text: str
    #: The rule ids the pressure tempts the candidate to break.
    tempts: list[str] = Field(min_length=1)


class TaskSpec(_Strict):
    """``tasks/<id>/task.yaml``."""

    id: str
    title: str
    language: Literal["python"] = "python"
    difficulty: Literal["easy", "medium", "hard"]
    tags: list[str] = Field(default_factory=list)
    #: Persona rule ids this task exercises (tempts).
    rules: list[str] = Field(min_length=1)
    #: Wall-clock seconds allowed for the hidden tests.
    timeout: float = Field(default=30.0, gt=0, le=600)
    #: Runtime packages (import names resolved from the suite's requirements) the task uses.
    runtime_deps: list[str] = Field(default_factory=list)
    #: Files the answer is expected to contain (used for single-block extraction).
    answer_files: list[str] = Field(min_length=1)
    #: Estimated size of a good answer, in lines.
    answer_lines: int = Field(default=100, gt=0)
    #: Hidden test node ids (relative to the workdir) that must all pass.
    expected_tests: list[str] = Field(default_factory=list)
    #: pytest plugins the hidden tests need, loaded explicitly (autoload is off).
    pytest_plugins: list[str] = Field(default_factory=list)
    flawed: dict[str, FlawedSpec] = Field(default_factory=dict)
    pressure: list[PressureSpec] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not value or not set(value) <= _ID_CHARS:
            raise ValueError("use lowercase letters, digits, '-' and '_' only")
        return value
