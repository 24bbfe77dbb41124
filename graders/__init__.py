"""Graders: one module per grader, rule graders and LLM judges behind one interface."""

from graders._base import (
    BUILTIN_GRADERS,
    ENTRY_POINT_GRADERS,
    GRADERS,
    GradeContext,
    Grader,
    GraderFactory,
    StaticGrader,
    error_grade,
    get_grader,
    grader_names,
    register_grader,
    skipped_grade,
)
from graders._services import JudgeService, JudgeUnavailable, Services

__all__ = [
    "BUILTIN_GRADERS",
    "ENTRY_POINT_GRADERS",
    "GRADERS",
    "GradeContext",
    "Grader",
    "GraderFactory",
    "JudgeService",
    "JudgeUnavailable",
    "Services",
    "StaticGrader",
    "error_grade",
    "get_grader",
    "grader_names",
    "register_grader",
    "skipped_grade",
]
