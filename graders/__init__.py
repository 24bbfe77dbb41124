"""Graders: one module per grader, rule graders and LLM judges behind one interface."""

from graders._base import (
    BUILTIN_GRADERS,
    ENTRY_POINT_GRADERS,
    GradeContext,
    Grader,
    StaticGrader,
    error_grade,
    get_grader,
    grader_names,
    register_grader,
    skipped_grade,
)

__all__ = [
    "BUILTIN_GRADERS",
    "ENTRY_POINT_GRADERS",
    "GradeContext",
    "Grader",
    "StaticGrader",
    "error_grade",
    "get_grader",
    "grader_names",
    "register_grader",
    "skipped_grade",
]
