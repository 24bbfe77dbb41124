"""Graders: one module per grader, rule graders and LLM judges behind one interface."""

from graders._base import (
    BUILTIN_GRADERS,
    ENTRY_POINT_GRADERS,
    GRADERS,
    GradeContext,
    Grader,
    GraderFactory,
    Scope,
    StaticGrader,
    error_grade,
    get_grader,
    graded_rules,
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
    "Scope",
    "Services",
    "StaticGrader",
    "error_grade",
    "get_grader",
    "graded_rules",
    "grader_names",
    "register_grader",
    "skipped_grade",
]
