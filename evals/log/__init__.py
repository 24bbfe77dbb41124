"""The run log: the one reader and writer of ``manifest.json`` and ``samples.jsonl``.

Writers (the runner) hold :class:`RunLock` and append through :class:`RunLog`; every
reader (resume, reports, compare, gate, judge tools) uses :func:`read_manifest`,
:func:`iter_samples` / :func:`read_samples`. Records are versioned
(``schema_version``), migrated on load, and keep fields this code does not know.
"""

from evals.log._cap import SAMPLE_EVIDENCE_BYTES, cap_sample
from evals.log._lock import LOCK, RunLock, RunLockedError, holder, is_held
from evals.log._migrate import migrate_manifest, migrate_sample
from evals.log._read import (
    MANIFEST,
    SAMPLES,
    LogScan,
    iter_samples,
    read_manifest,
    read_sample_at,
    read_samples,
)
from evals.log._trajectory import (
    TRAJECTORIES,
    TRAJECTORY_VERSION,
    ToolStep,
    Trajectory,
    Turn,
    append_trajectory,
    read_trajectories,
)
from evals.log._write import RunLog, write_failure, write_manifest

__all__ = [
    "SAMPLE_EVIDENCE_BYTES",
    "cap_sample",
    "LOCK",
    "MANIFEST",
    "SAMPLES",
    "TRAJECTORIES",
    "TRAJECTORY_VERSION",
    "LogScan",
    "RunLock",
    "RunLockedError",
    "RunLog",
    "ToolStep",
    "Trajectory",
    "Turn",
    "append_trajectory",
    "holder",
    "is_held",
    "iter_samples",
    "migrate_manifest",
    "migrate_sample",
    "read_manifest",
    "read_sample_at",
    "read_samples",
    "read_trajectories",
    "write_failure",
    "write_manifest",
]
