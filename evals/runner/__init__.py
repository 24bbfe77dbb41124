"""The runner: plan → generate → extract → grade → append to the run log; resume."""

from evals.log import RunLog, read_manifest, read_samples, write_manifest
from evals.runner._config import DEFAULT_PERSONA, RunConfig, find_config, load_config
from evals.runner._grade import GradingPlan, grade_files, no_files_grade
from evals.runner._plan import PlanItem, build_plan, sample_id
from evals.runner._run import Runner, RunResult, now_iso
from evals.runner._setup import new_run_dir, resume_config

__all__ = [
    "DEFAULT_PERSONA",
    "GradingPlan",
    "PlanItem",
    "RunConfig",
    "RunLog",
    "RunResult",
    "Runner",
    "build_plan",
    "find_config",
    "grade_files",
    "load_config",
    "new_run_dir",
    "no_files_grade",
    "now_iso",
    "read_manifest",
    "read_samples",
    "resume_config",
    "sample_id",
    "write_manifest",
]
