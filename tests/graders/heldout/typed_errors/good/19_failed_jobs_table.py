# GOOD: job runner records each failure (type + message) in a failed_jobs table and alerts: an explicit failure route.
import logging
import sqlite3
import traceback
from typing import Any, Callable

logger = logging.getLogger(__name__)


def record_failure(conn: sqlite3.Connection, job_id: str, exc: BaseException) -> None:
    conn.execute(
        "INSERT INTO failed_jobs (job_id, error_type, error, trace) VALUES (?, ?, ?, ?)",
        (job_id, type(exc).__name__, str(exc), traceback.format_exc()),
    )
    conn.commit()


def run_jobs(conn: sqlite3.Connection, jobs: dict[str, Callable[[], Any]]) -> int:
    """Run every job; failures go to failed_jobs for the retry sweeper. Returns successes."""
    ok = 0
    for job_id, fn in jobs.items():
        try:
            fn()
        except Exception as exc:
            logger.error("job failed; queued for retry", extra={"job_id": job_id})
            record_failure(conn, job_id, exc)
            continue
        ok += 1
    return ok
